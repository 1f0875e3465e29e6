using System;
using System.IO;
using System.CommandLine;
using System.Linq;
using System.Threading.Tasks;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Workflows;
using Workflows.Runtime;
using Workflows.Samples.Deploy;
using Workflows.Samples.Etl;
using Workflows.Samples.Observing;

namespace Workflows.Samples.Demo;

/// <summary>The <c>demo</c> command: a walkthrough of the library's API, calling the generated classes directly.</summary>
internal static class Walkthrough
{
    public static Command Command(string work)
    {
        var command = new Command("demo", "Walks through the API: typed runs, a dry-run plan, an observer and OpenTelemetry spans.");
        command.SetAction(async (_, _) =>
        {
            await RunAsync(work);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(string work)
    {
        // Both workflows were checked at build time and compiled into OrdersEtlWorkflow and DeployAppWorkflow.
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Console.WriteLine($"Running '{OrdersEtlWorkflow.WorkflowName}' in {work}");
        var etl = new OrdersEtlWorkflow(new EtlActions(Path.Combine(work, "etl")));
        var totals = await etl.RunAsync(new OrdersEtlWorkflow.Inputs { MinAmount = 0m });
        Console.WriteLine($"  {totals.Rows} rows, {totals.Rejected} rejected, report: {totals.Report}");
        Console.Write(await File.ReadAllTextAsync(totals.Report));

        // Every row rejected: transform and load are skipped, and the output falls back.
        var none = await etl.RunAsync(new OrdersEtlWorkflow.Inputs { MinAmount = 1_000_000m, ReportName = "empty.txt" });
        Console.WriteLine($"  with min_amount 1000000: {none.Rejected} rejected, report: {none.Report}");

        Console.WriteLine($"Running '{DeployAppWorkflow.WorkflowName}', batches:");
        foreach (var batch in DeployAppWorkflow.Descriptor.Batches)
        {
            Console.WriteLine("  [" + string.Join(", ", batch) + "]");
        }

        // Observing runs: an observer for events, and OpenTelemetry for the "Workflows" spans.
        using (Sdk.CreateTracerProviderBuilder()
            .AddSource(WorkflowTelemetry.Name)
            .AddProcessor(new SimpleActivityExportProcessor(new SpanPrinter(Console.Out)))
            .Build())
        {
            var observed = new DeployAppWorkflow(
                new DeployActions(Path.Combine(work, "deploy"), Console.Out),
                new WorkflowOptions { Observer = new ConsoleObserver(Console.Out) });
            var deployed = await observed.RunAsync(new DeployAppWorkflow.Inputs());
            Console.WriteLine($"  dev: {deployed.Dev}");
            Console.WriteLine($"  staging: {deployed.Staging}");
        }

        var deploy = new DeployAppWorkflow(new DeployActions(Path.Combine(work, "deploy"), Console.Out));
        var plan = DeployAppWorkflow.Plan(new DeployAppWorkflow.Inputs { DeployStaging = false });
        Console.WriteLine("  dry run without staging: " + string.Join(", ", plan.Steps.Select(s => $"{s.Id}={(s.WillRun is { } run ? run ? "runs" : "skipped" : "?")}")));

        var devOnly = await deploy.RunAsync(new DeployAppWorkflow.Inputs { DeployStaging = false });
        Console.WriteLine($"  without staging: {devOnly.Staging}");
        Console.WriteLine("Done.");
    }
}
