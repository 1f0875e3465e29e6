using System;
using System.IO;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Samples;
using Workflows.Samples.Demo;
using Workflows.Samples.Deploy;
using Workflows.Samples.Etl;

// The whole command line over the workflows compiled into this app, in one call:
//   list, show <name>, run <name> --input k=v, runs, status <id>, cancel, pause, resume, retry, signal <id> <name>,
//   export <name>, serve.
// Runs of the durable ETL workflow are kept in workflows.db (SQLite; --store or WORKFLOWS_STORE to choose the file).
var work = Environment.GetEnvironmentVariable("WORKFLOWS_SAMPLE_WORK") ?? Path.Combine(Path.GetTempPath(), "workflows-sample");

// serve --urls http://127.0.0.1:5000: the schedules plus the HTTP API and the dashboard (WebServer.cs).
if (WebServer.Wanted(args))
{
    return await WebServer.RunAsync(args, work);
}

return await WorkflowRegistrations.RunCommandLineAsync(args, options =>
{
    options.Description = "The Workflows sample: an ETL pipeline (durable, scheduled nightly), a deployment and an expense approval (waits for a signal).";

    // The action classes carry configuration, so the app registers them itself (the generated registration would
    // otherwise create them only if they had a parameterless constructor). Their log goes to stderr: stdout is the
    // outputs' JSON.
    options.Services.AddSingleton(new EtlActions(Path.Combine(work, "etl")));
    options.Services.AddSingleton(new DeployActions(Path.Combine(work, "deploy"), Console.Error));

    // The walkthrough of the library's API (typed runs, plans, observers, OpenTelemetry spans).
    options.Commands.Add(Walkthrough.Command(work));
});
