using System;
using Workflows.Samples.Aot;

if (args is ["--first-step"])
{
    // Process start to first step, measured from outside: hyperfine "Workflows.Samples.Aot --first-step".
    await new PingWorkflow().RunAsync();
    return 0;
}

var result = await new AotOrdersWorkflow(new ShopActions()).RunWithReportAsync(new AotOrdersWorkflow.Inputs { OrderId = "A-17", Quantity = 3 });
Console.WriteLine(result.Outputs.Summary);
foreach (var step in result.Report.Steps)
{
    Console.WriteLine($"{step.Id}: {step.Status} after {step.Attempts} attempt(s)");
}

// A fan-out of sub-workflows: each order runs aot-orders, two at a time; results come back in input order.
var batch = await new AotBatchWorkflow(new ShopActions()).RunAsync(new AotBatchWorkflow.Inputs { Orders = ["B-1", "B-2", "B-3"] });
Console.WriteLine($"batch labels: {string.Join(", ", batch.Labels)}");
Console.WriteLine($"batch totals: {string.Join(" + ", Array.ConvertAll(batch.Runs, run => run.Total.ToString(System.Globalization.CultureInfo.InvariantCulture)))}");

return result.Outputs.Total == 29.97m && batch.Runs.Length == 3 ? 0 : 1;
