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

return result.Outputs.Total == 29.97m ? 0 : 1;
