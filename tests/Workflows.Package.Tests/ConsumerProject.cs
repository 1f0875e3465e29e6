using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Package.Tests;

/// <summary>A console app that uses the Workflows package from the test feed, written to its own folder.</summary>
internal sealed class ConsumerProject
{
    /// <summary>Where the workflow file goes: a subfolder, never listed in the project unless a test lists it.</summary>
    public const string WorkflowPath = "flows/deploy.workflow.yaml";

    private const string Actions = """
        using Workflows;

        namespace Consumer;

        public static class DeployActions
        {
            [WorkflowAction("deploy.push")]
            public static System.Threading.Tasks.Task PushAsync(string environment)
            {
                System.Console.WriteLine($"pushed {environment}");
                return System.Threading.Tasks.Task.CompletedTask;
            }

            [WorkflowAction("deploy.test")]
            public static void Test() => System.Console.WriteLine("tested");
        }

        """;

    private const string Program = """
        await new Consumer.DeployAppWorkflow().RunAsync();
        System.Console.WriteLine("done");

        """;

    private ConsumerProject(string directory) => ProjectDirectory = directory;

    public string ProjectDirectory { get; }

    /// <summary>
    /// Writes Consumer.csproj (root namespace Consumer), its actions and Program.cs into a new subfolder of
    /// the fixture's scratch directory. <paramref name="extraProjectContent"/> goes inside the project element.
    /// </summary>
    public static ConsumerProject Create(PackageFixture package, string folderName, string extraProjectContent = "")
    {
        var directory = Path.Combine(package.Root, folderName);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{package.PackagesFolder}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Workflows" Version="{package.Version}" />
              </ItemGroup>
            {extraProjectContent}
            </Project>

            """);
        File.WriteAllText(Path.Combine(directory, "DeployActions.cs"), Actions);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Program);
        return new ConsumerProject(directory);
    }

    public void WriteWorkflow(string yaml)
    {
        var path = Path.Combine(ProjectDirectory, WorkflowPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
    }

    /// <summary><c>dotnet build</c> (with its implicit restore), in Debug.</summary>
    public Task<CliResult> BuildAsync(params string[] properties) => DotNetCli.MSBuildAsync(ProjectDirectory, "build", properties);

    /// <summary>The full paths of the project's AdditionalFiles items, as MSBuild evaluates them (after restore).</summary>
    public async Task<IReadOnlyList<string>> GetAdditionalFilesAsync()
    {
        var result = await DotNetCli.MSBuildAsync(ProjectDirectory, "msbuild", "-getItem:AdditionalFiles");
        result.AssertSucceeded();
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.GetProperty("Items").GetProperty("AdditionalFiles")
            .EnumerateArray()
            .Select(item => item.GetProperty("FullPath").GetString()!)
            .ToList();
    }

    /// <summary>Runs the app built by <see cref="BuildAsync"/>.</summary>
    public Task<CliResult> RunAsync() => DotNetCli.RunAsync(ProjectDirectory, Path.Combine("bin", "Debug", "net10.0", "Consumer.dll"));
}
