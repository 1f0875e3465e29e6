using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Workflows.Package.Tests;

/// <summary>
/// End to end: the packed Workflows package, restored from a folder feed by a fresh console app, checks
/// workflow files at build time and generates executors that run. Slow (each build is a real dotnet build).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    /// <summary>MSBuild prints the file's full path before this.</summary>
    private const string MisspeltActionError =
        "/flows/deploy.workflow.yaml(12,13): error WF0003: Step 'push' uses unknown action 'deploy.psuh'. Did you mean 'deploy.push'?";

    private static readonly string[] s_expectedRunOutput = { "tested", "pushed staging", "done" };

    /// <summary>Line 12, column 13 holds the push step's action.</summary>
    private static string Workflow(string pushAction) => $"""
        # The consumer's deployment: test, then push to staging.
        name: deploy-app
        description: Tests the app, then pushes it.
        steps:
          - id: test
            action: deploy.test

          - id: push
            depends_on: test
            with:
              environment: staging
            action: {pushAction}

        """;

    [Fact]
    public void Package_holds_the_analyzer_with_its_yaml_parser_the_build_files_and_the_runtime_but_no_YamlDotNet_dependency()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entries = archive.Entries.Select(e => e.FullName).ToList();
        var listing = string.Join(Environment.NewLine, entries);

        foreach (var expected in new[]
        {
            "analyzers/dotnet/cs/Workflows.Generators.dll",
            "analyzers/dotnet/cs/YamlDotNet.dll",
            "buildTransitive/Workflows.props",
            "buildTransitive/Workflows.targets",
            "lib/net8.0/Workflows.dll",
            "schema/workflow.schema.json",
        })
        {
            Assert.True(entries.Contains(expected), $"Missing {expected}. The package holds:{Environment.NewLine}{listing}");
        }

        var nuspecEntry = Assert.Single(archive.Entries, e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var nuspecStream = nuspecEntry.Open();
        var nuspec = XDocument.Load(nuspecStream);
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
        Assert.DoesNotContain(dependencies, id => string.Equals(id, "YamlDotNet", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Misspelt_action_fails_the_consumer_build_at_its_line_and_column_and_the_fixed_workflow_runs()
    {
        var consumer = ConsumerProject.Create(package, "discovered");

        consumer.WriteWorkflow(Workflow(pushAction: "deploy.psuh"));
        var broken = await consumer.BuildAsync();
        Assert.True(broken.ExitCode != 0, $"Expected the build to fail. {broken}");
        Assert.True(
            broken.ErrorLines.Any(line => line.Contains(MisspeltActionError, StringComparison.Ordinal)),
            $"Expected an error line containing:{Environment.NewLine}{MisspeltActionError}{Environment.NewLine}{broken}");

        consumer.WriteWorkflow(Workflow(pushAction: "deploy.push"));
        var build = await consumer.BuildAsync();
        build.AssertSucceeded();

        await AssertRunsAsync(consumer);
    }

    [Fact]
    public async Task Workflow_file_the_project_lists_itself_is_not_added_twice_and_docs_are_written_on_request()
    {
        var consumer = ConsumerProject.Create(package, "listed", $"""
              <ItemGroup>
                <AdditionalFiles Include="{ConsumerProject.WorkflowPath}" />
              </ItemGroup>
            """);
        consumer.WriteWorkflow(Workflow(pushAction: "deploy.push"));

        // Also the docs switch: a Markdown page per workflow, copied out by the package's targets.
        var build = await consumer.BuildAsync("-p:WorkflowsDocsDirectory=docs");
        build.AssertSucceeded();
        Assert.DoesNotContain("WF0007", build.StandardOutput, StringComparison.Ordinal);
        var page = Path.Combine(consumer.ProjectDirectory, "docs", "deploy-app.md");
        Assert.True(File.Exists(page), $"No {page}. {build}");
        var markdown = File.ReadAllText(page);
        Assert.Contains("```mermaid", markdown, StringComparison.Ordinal);
        Assert.Contains("| `push` | `deploy.push` | `test` |", markdown, StringComparison.Ordinal);

        // The compiler happens to ignore a repeated /additionalfile, so the build alone cannot show a duplicate.
        var workflowFile = Path.GetFullPath(Path.Combine(consumer.ProjectDirectory, ConsumerProject.WorkflowPath));
        var additionalFiles = await consumer.GetAdditionalFilesAsync();
        Assert.True(
            additionalFiles.Count(path => path == workflowFile) == 1,
            $"Expected {workflowFile} once in AdditionalFiles, which holds:{Environment.NewLine}{string.Join(Environment.NewLine, additionalFiles)}");

        await AssertRunsAsync(consumer);
    }

    private static async Task AssertRunsAsync(ConsumerProject consumer)
    {
        var run = await consumer.RunAsync();
        run.AssertSucceeded();
        Assert.Equal(s_expectedRunOutput, run.OutputLines.Where(line => line.Length > 0));
    }
}
