using System;
using System.IO;
using System.Linq;
using Workflows.Tests.Shared;
using Xunit;

namespace Workflows.Tool.Tests;

/// <summary>
/// <c>workflows versions accept</c> on a real project (referencing this repository's runtime and generator as the
/// package would): it builds the project with -p:WorkflowsAcceptVersions=true, the package's targets copy the file
/// out, and the next build compares the workflows with it.
/// </summary>
public sealed class VersionsAcceptTests : IDisposable
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(8);
    private readonly ToolRunner _tool = new();

    private const string Workflow = """
        name: orders
        json_context: App.ShopJson
        durable: true
        inputs:
          id: { type: string, required: true }
        steps:
          - id: load
            action: orders.load
            with: { id: "${{ inputs.id }}" }
          - id: ship
            action: orders.ship
            with: { id: "${{ steps.load.output.Id }}" }
        """;

    [Fact]
    public void Accept_writes_the_file_from_the_build_and_the_next_build_warns_about_a_breaking_change()
    {
        var repository = Path.GetFullPath(Path.Combine(ToolRunner.ToolDirectory, "..", "..", "..", "..", ".."));
        var configuration = new DirectoryInfo(ToolRunner.ToolDirectory).Parent!.Name;
        _tool.Write("app/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <RootNamespace>App</RootNamespace>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <Import Project="{Path.Combine(repository, "src", "Workflows.LocalReference.targets")}" />
            </Project>
            """);
        _tool.Write("app/Shop.cs", """
            using System.Text.Json.Serialization;

            namespace App;

            public sealed record Order(string Id, decimal Total);

            public static class Shop
            {
                [Workflows.WorkflowAction("orders.load")]
                public static Order Load(string id) => new(id, 1m);

                [Workflows.WorkflowAction("orders.ship")]
                public static string Ship(string id) => "shipped " + id;
            }

            [JsonSerializable(typeof(Order))]
            internal sealed partial class ShopJson : JsonSerializerContext;
            """);
        _tool.Write("app/flows/orders.workflow.yaml", Workflow);
        var shipped = Path.Combine(_tool.Directory, "app", "Workflows.Shipped.txt");

        var accepted = Tool("versions", "accept", "--project", "app", "--", "-c", configuration);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("Workflows.Shipped.txt: created from the current durable workflows (orders)", accepted.Output, StringComparison.Ordinal);
        var text = File.ReadAllText(shipped);
        Assert.Contains("orders | step | load | orders.load -> global::App.Order\n", text, StringComparison.Ordinal);
        Assert.Contains("orders | step | ship | orders.ship -> string\n", text, StringComparison.Ordinal);
        Assert.Contains("orders | input | id | string | required\n", text, StringComparison.Ordinal);

        // The step 'ship' renamed: the build (which now passes the file to the analyzer) warns at the workflow's name.
        _tool.Write("app/flows/orders.workflow.yaml", Workflow.Replace("- id: ship", "- id: send", StringComparison.Ordinal));
        var build = DotNetApp.Run("build", new[] { "app", "-c", configuration, "-nologo" }, _tool.Directory, timeout: s_buildTimeout);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("orders.workflow.yaml(1,7): warning WF0701: Durable workflow 'orders' no longer has step 'ship'", build.Output, StringComparison.Ordinal);

        // Accepting the change rewrites the file; the next build is clean.
        var again = Tool("versions", "accept", "--project", "app/App.csproj", "--", "-c", configuration);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("rewritten from the current durable workflows (orders)", again.Output, StringComparison.Ordinal);
        Assert.Contains("orders | step | send | orders.ship -> string\n", File.ReadAllText(shipped), StringComparison.Ordinal);
        var clean = DotNetApp.Run("build", new[] { "app", "-c", configuration, "-nologo" }, _tool.Directory, timeout: s_buildTimeout);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.DoesNotContain("WF07", clean.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_without_a_project_is_a_usage_error()
    {
        var result = Tool("versions", "accept", "--project", ".");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds no .csproj; pass --project <folder or project file>", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _tool.Dispose();

    private ProcessOutput Tool(params string[] arguments)
        => DotNetApp.Run(Path.Combine(ToolRunner.ToolDirectory, "Workflows.Tool.dll"), arguments, _tool.Directory, timeout: s_buildTimeout);
}
