using System;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Package.Tests;

/// <summary>
/// Packs src/Workflows once, under a version no cache has ever seen, into a folder feed in a scratch
/// directory outside the repository. The scratch directory also isolates consumers from the repository's
/// build files and from the machine's package cache.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public PackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Version = $"0.1.0-e2e.{DateTime.UtcNow.Ticks}";
        Root = Path.Combine(Path.GetTempPath(), "workflows-package-tests-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>The folder holding Workflows.sln.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The version the package was packed as.</summary>
    public string Version { get; }

    /// <summary>The scratch directory; consumer projects go in subfolders so they find its nuget.config and build files.</summary>
    public string Root { get; }

    /// <summary>A local folder feed holding only the package under test.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The consumers' own packages folder, so a stale cached Workflows package can never be used.</summary>
    public string PackagesFolder => Path.Combine(Root, "packages");

    public string PackagePath => Path.Combine(Feed, $"Workflows.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        WriteIsolationFiles();

        var pack = await DotNetCli.MSBuildAsync(
            RepositoryRoot, "pack", Path.Combine("src", "Workflows", "Workflows.csproj"),
            "-c", "Release", "-o", Feed, $"-p:Version={Version}");
        pack.AssertSucceeded();
        Assert.True(File.Exists(PackagePath), $"Expected {PackagePath}; the feed holds: {string.Join(", ", Directory.GetFiles(Feed))}. {pack}");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover folder in the temp directory harms nobody.
        }

        return Task.CompletedTask;
    }

    /// <summary>Files that stop MSBuild and NuGet from looking above the scratch directory.</summary>
    private void WriteIsolationFiles()
    {
        // Same SDK selection as the repository.
        File.Copy(Path.Combine(RepositoryRoot, "global.json"), Path.Combine(Root, "global.json"));
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="workflows-under-test" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>

            """);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Workflows.sln above {AppContext.BaseDirectory}.");
    }
}
