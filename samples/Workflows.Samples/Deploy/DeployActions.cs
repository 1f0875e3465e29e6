using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Samples.Deploy;

/// <summary>How a build is configured.</summary>
public enum BuildConfiguration
{
    Debug,
    Release,
}

/// <summary>
/// The deployment's actions, working in a directory that stands in for a build agent and two servers.
/// </summary>
public sealed class DeployActions(string root, TextWriter log)
{
    private string Artifact => Path.Combine(root, "artifacts", "app.zip");

    [WorkflowAction("deploy.test")]
    public async Task<int> TestAsync(string project, CancellationToken cancellationToken)
    {
        var source = Path.Combine(root, project);
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "app.txt"), "Hello from the sample app\n", cancellationToken);
        var files = Directory.GetFiles(source).Length;
        log.WriteLine($"  test: {files} source file(s) checked");
        return files;
    }

    [WorkflowAction("deploy.build")]
    public Task BuildAsync(string project, BuildConfiguration configuration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(Path.GetDirectoryName(Artifact)!);
        File.Delete(Artifact);
        ZipFile.CreateFromDirectory(Path.Combine(root, project), Artifact);
        log.WriteLine($"  build: {configuration} artifact {new FileInfo(Artifact).Length} bytes");
        return Task.CompletedTask;
    }

    [WorkflowAction("deploy.push")]
    public async Task<string> PushAsync(string environment, CancellationToken cancellationToken, int replicas = 1)
    {
        var target = Path.Combine(root, "environments", environment);
        Directory.CreateDirectory(target);
        for (var replica = 1; replica <= replicas; replica++)
        {
            await using var input = File.OpenRead(Artifact);
            await using var output = File.Create(Path.Combine(target, $"app-{replica}.zip"));
            await input.CopyToAsync(output, cancellationToken);
        }

        log.WriteLine($"  deploy: {environment} ({replicas} replica(s))");
        return target;
    }

    [WorkflowAction("deploy.verify")]
    public async Task VerifyAsync(string environments, CancellationToken cancellationToken)
    {
        var expected = Convert.ToHexString(await HashAsync(Artifact, cancellationToken));
        foreach (var environment in environments.Split(','))
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, "environments", environment)))
            {
                var actual = Convert.ToHexString(await HashAsync(file, cancellationToken));
                if (actual != expected)
                {
                    throw new InvalidOperationException($"{file} does not match the built artifact.");
                }
            }
        }

        log.WriteLine($"  integration tests: {environments} serve the built artifact");
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await SHA256.HashDataAsync(stream, cancellationToken);
    }
}
