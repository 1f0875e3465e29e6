using System;
using System.IO;
using System.Threading.Tasks;
using Workflows.Samples.Deploy;
using Workflows.Samples.Etl;

// Both workflows were checked at build time and compiled into OrdersEtlWorkflow and DeployAppWorkflow.
var work = Path.Combine(Path.GetTempPath(), "workflows-sample");
if (Directory.Exists(work))
{
    Directory.Delete(work, recursive: true);
}

Console.WriteLine($"Running '{OrdersEtlWorkflow.WorkflowName}' in {work}");
var etl = new EtlActions(Path.Combine(work, "etl"));
await new OrdersEtlWorkflow(etl).RunAsync();
Console.WriteLine(await File.ReadAllTextAsync(Path.Combine(etl.WorkDirectory, "customer-totals.txt")));

Console.WriteLine($"Running '{DeployAppWorkflow.WorkflowName}', batches:");
foreach (var batch in DeployAppWorkflow.Descriptor.Batches)
{
    Console.WriteLine("  [" + string.Join(", ", batch) + "]");
}

await new DeployAppWorkflow(new DeployActions(Path.Combine(work, "deploy"), Console.Out)).RunAsync();
Console.WriteLine("Done.");
