using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;
using Workflows.Scheduling;
using Workflows.Sqlite;

namespace Workflows.CommandLine.Tests;

/// <summary>A clock that stands still.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>What a hand-built workflow got from the provider when it was created.</summary>
internal sealed class TestWorkflow(IServiceProvider services)
{
    public IServiceProvider Services { get; } = services;

    public WorkflowOptions Options { get; } = (WorkflowOptions?)services.GetService(typeof(WorkflowOptions)) ?? WorkflowOptions.Default;

    public IWorkflowObserver Observer => Options.Observer ?? throw new InvalidOperationException("no observer");
}

/// <summary>Builds registrations by hand, the way generated code would.</summary>
internal static class Registrations
{
    public static readonly JsonSerializerOptions Json = DurableJson.BuiltInOptions;

    public static WorkflowDescriptor Descriptor(string name, string? description = null, params string[] steps)
    {
        var stepDescriptors = new List<WorkflowStepDescriptor>();
        for (var i = 0; i < steps.Length; i++)
        {
            stepDescriptors.Add(new WorkflowStepDescriptor(steps[i], "test." + steps[i], i == 0 ? [] : [steps[i - 1]]));
        }

        return new WorkflowDescriptor(name, description, name + ".workflow.yaml", stepDescriptors, steps.Select(s => (IReadOnlyList<string>)new[] { s }).ToList());
    }

    public static WorkflowRegistration Create(
        string name,
        Func<TestWorkflow, WorkflowInputValues, string?, CancellationToken, Task<string?>>? invoke = null,
        bool durable = false,
        IReadOnlyList<WorkflowSchedule>? schedules = null,
        Func<TestWorkflow, string, CancellationToken, Task<string?>>? resume = null,
        Func<TestWorkflow, CancellationToken, Task<int>>? recover = null,
        Func<IServiceProvider, object>? create = null,
        string? description = null,
        params string[] steps)
        => new(
            name,
            Descriptor(name, description, steps.Length == 0 ? ["only"] : steps),
            schedules ?? Array.Empty<WorkflowSchedule>(),
            durable,
            create ?? (services => new TestWorkflow(services)),
            (_, _, _) => Task.CompletedTask,
            recover is null ? null : (workflow, ct) => recover((TestWorkflow)workflow, ct))
        {
            InvokeAsync = invoke is null ? null : (workflow, values, runId, ct) => invoke((TestWorkflow)workflow, values, runId, ct),
            ResumeAsync = resume is null ? null : (workflow, runId, ct) => resume((TestWorkflow)workflow, runId, ct),
        };

    /// <summary>
    /// "greet": inputs name (string, required) and count (int, default 1); steps hello and bye, reported to the observer;
    /// outputs {"message": "...", "count": n}.
    /// </summary>
    public static WorkflowRegistration Greet(Action? invoked = null, Action<WorkflowInputValues>? ran = null)
        => Create(
            "greet",
            async (workflow, values, runId, ct) =>
            {
                invoked?.Invoke();
                values.CheckNames("greet", ["name", "count"]);
                var name = values.GetRequired<string>("greet", "name", Json);
                var count = values.GetOptional("greet", "count", Json, 1);
                ran?.Invoke(values);
                var observer = workflow.Options.Observer;
                observer?.StepStarted("greet", "hello");
                observer?.StepCompleted("greet", "hello", 1, TimeSpan.FromMilliseconds(12));
                observer?.StepSkipped("greet", "bye");
                await Task.Yield();
                return "{\"message\":\"hello " + name + "\",\"count\":" + count + "}";
            },
            description: "Says hello.",
            steps: ["hello", "bye"]) with
        {
            Inputs = [new WorkflowParameter("name", "string", IsRequired: true, Description: "Who to greet."), new WorkflowParameter("count", "int", DefaultValue: "1")],
            Outputs = [new WorkflowParameter("message", "string"), new WorkflowParameter("count", "int")],
            Definition = "name: greet\nsteps:\n  - id: hello\n",
            DefinitionJson = "{\"name\":\"greet\"}",
            Mermaid = "flowchart TD\n  hello --> bye",
        };

    public static WorkflowSchedule Schedule(string workflow, string cron, string zone = "UTC")
        => new(workflow, cron, zone, AllowOverlap: false, CatchUpPolicy.None);
}

/// <summary>One command line call: a temporary store file and captured output.</summary>
internal sealed class Cli : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wf-cli-" + Guid.NewGuid().ToString("N"));

    public Cli()
    {
        Directory.CreateDirectory(_directory);
        StorePath = Path.Combine(_directory, "runs.db");
    }

    public string StorePath { get; }

    public StringWriter Out { get; private set; } = new();

    public StringWriter Error { get; private set; } = new();

    public string OutText => Out.ToString();

    public string ErrorText => Error.ToString();

    /// <summary>A store on the same file, for arranging runs and checking them.</summary>
    public SqliteWorkflowStore Store => new(StorePath);

    public Task<int> RunAsync(IEnumerable<WorkflowRegistration> workflows, params string[] args)
        => RunAsync(workflows, null, CancellationToken.None, args);

    public async Task<int> RunAsync(
        IEnumerable<WorkflowRegistration> workflows, Action<WorkflowCommandLineOptions>? configure, CancellationToken cancellationToken, params string[] args)
    {
        Out = new StringWriter();
        Error = new StringWriter();
        return await WorkflowCommandLine.RunAsync(
            [.. args, "--store", StorePath],
            workflows,
            options =>
            {
                options.Out = Out;
                options.Error = Error;
                configure?.Invoke(options);
            },
            cancellationToken);
    }

    /// <summary>Creates a run owned by "other" (running, lease for an hour) with the given creation time.</summary>
    public async Task<RunRecord> StartRunAsync(string runId, string workflow, DateTimeOffset? createdAt = null)
    {
        var at = createdAt ?? DateTimeOffset.UtcNow;
        var result = await Store.StartRunAsync(new NewRun(runId, workflow, "hash", "{\"name\":\"x\"}", at), "other", DateTimeOffset.UtcNow.AddHours(1));
        return result.Run;
    }

    public async Task<RunStatus?> StatusOfAsync(string runId) => (await Store.GetRunAsync(runId))?.Status;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
