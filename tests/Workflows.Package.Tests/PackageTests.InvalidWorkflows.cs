using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Package.Tests;

/// <summary>
/// The typical mistakes in workflow files, each in a file of its own that the app's C# uses: one build shows each
/// file's WF error at its YAML position, the app's uses point at those errors (WF0020), and not one CS error.
/// </summary>
public sealed partial class PackageTests
{
    private const string StockActions = """
        using Workflows;

        namespace Consumer;

        public sealed record Stock(int Items, string Warehouse);

        public static class StockActions
        {
            [WorkflowAction("stock.count")]
            public static Stock Count(string warehouse) => new(3, warehouse);
        }

        """;

    /// <summary>Uses every broken workflow but the one that is not YAML (it has no class: nothing can be derived).</summary>
    private const string UsesBrokenWorkflows = """
        using Consumer;

        await new TypoActionWorkflow().RunAsync();
        await new TypoDependencyWorkflow().RunAsync();
        await new CycleWorkflow().RunAsync();
        await new UnknownKeyWorkflow().RunAsync();
        await new WrongTypeWorkflow().RunAsync(new WrongTypeWorkflow.Inputs { Count = 2 });
        var stock = await new StockReportWorkflow().RunAsync(new StockReportWorkflow.Inputs { Warehouse = "north" });
        System.Console.WriteLine(stock.Items + " " + stock.Place);
        System.Console.WriteLine(WorkflowRegistrations.All.Count);

        """;

    /// <summary>File name, text, and the error (position, ID and start of message) MSBuild must print for it.</summary>
    private static readonly (string File, string Text, string Error)[] s_brokenWorkflows =
    {
        ("typo-action.workflow.yaml", "name: typo-action\nsteps:\n  - id: test\n    action: deploy.tset\n",
            "typo-action.workflow.yaml(4,13): error WF0003: Step 'test' uses unknown action 'deploy.tset'. Did you mean 'deploy.test'?"),
        ("typo-dependency.workflow.yaml", "name: typo-dependency\nsteps:\n  - id: test\n    action: deploy.test\n  - id: push\n    action: deploy.push\n    depends_on: tset\n    with: { environment: staging }\n",
            "typo-dependency.workflow.yaml(7,17): error WF0002: Step 'push' depends on 'tset', which is not a step of this workflow. Did you mean 'test'?"),
        ("cycle.workflow.yaml", "name: cycle\nsteps:\n  - id: test\n    action: deploy.test\n    depends_on: push\n  - id: push\n    action: deploy.push\n    depends_on: test\n    with: { environment: staging }\n",
            "cycle.workflow.yaml(8,17): error WF0001: Steps form a dependency cycle: push -> test -> push."),
        ("unknown-key.workflow.yaml", "name: unknown-key\nsteps:\n  - id: test\n    action: deploy.test\n    retries: 3\n",
            "unknown-key.workflow.yaml(5,5): error WF0006: Unknown key 'retries' in a step."),
        ("wrong-type.workflow.yaml", "name: wrong-type\ninputs:\n  count: { type: int, default: lots }\nsteps:\n  - id: test\n    action: deploy.test\n",
            "wrong-type.workflow.yaml(3,32): error WF0012: "),
        ("stock-report.workflow.yaml", "name: stock-report\ninputs:\n  warehouse: { type: string, required: true }\noutputs:\n  items: ${{ steps.count.output.Items }}\n  place: ${{ steps.count.output.Warehuose }}\nsteps:\n  - id: count\n    action: stock.count\n    with: { warehouse: \"${{ inputs.warehouse }}\" }\n",
            "stock-report.workflow.yaml(6,33): error WF0103: 'Stock' has no member 'Warehuose'. Did you mean 'Warehouse'?"),
        ("not-yaml.workflow.yaml", "name: not-yaml\nsteps: [\n  - id: test\n    action: deploy.test\n",
            "not-yaml.workflow.yaml(2,8): error WF0005: The workflow file is not well-formed YAML: the '[' on line 2, column 8 is never closed"),
    };

    [Fact]
    public async Task Each_typical_mistake_gives_its_WF_error_and_the_app_using_the_workflows_no_CS_error()
    {
        var consumer = ConsumerProject.Create(package, "broken");
        File.WriteAllText(Path.Combine(consumer.ProjectDirectory, "StockActions.cs"), StockActions);
        File.WriteAllText(Path.Combine(consumer.ProjectDirectory, "Program.cs"), UsesBrokenWorkflows);
        Directory.CreateDirectory(Path.Combine(consumer.ProjectDirectory, "flows"));
        foreach (var (file, text, _) in s_brokenWorkflows)
        {
            File.WriteAllText(Path.Combine(consumer.ProjectDirectory, "flows", file), text);
        }

        var build = await consumer.BuildAsync();

        Assert.True(build.ExitCode != 0, $"Expected the build to fail. {build}");
        var errors = build.ErrorLines;
        Assert.True(errors.All(line => !line.Contains(": error CS", StringComparison.Ordinal)), $"Expected no CS error. {build}");
        foreach (var (file, _, error) in s_brokenWorkflows)
        {
            Assert.True(errors.Any(line => line.Contains("/flows/" + error, StringComparison.Ordinal)), $"Expected an error line containing:{Environment.NewLine}{error}{Environment.NewLine}{build}");
        }

        // The app's uses of a broken workflow point at its first error (WF0020, an error here: the consumer treats
        // warnings as errors); the one that is not YAML has no class and no use.
        var uses = errors.Where(line => line.Contains("/Program.cs(", StringComparison.Ordinal)).ToList();
        Assert.True(uses.All(line => line.Contains(": error WF0020: ", StringComparison.Ordinal)), $"Expected only WF0020 in Program.cs. {build}");
        foreach (var (file, _, error) in s_brokenWorkflows.Where(w => w.File != "not-yaml.workflow.yaml"))
        {
            var pointer = error.Replace(": error ", ": ", StringComparison.Ordinal);
            Assert.True(uses.Any(line => line.Contains(pointer, StringComparison.Ordinal)), $"Expected a WF0020 in Program.cs pointing at{Environment.NewLine}{pointer}{Environment.NewLine}{build}");
        }
    }
}
