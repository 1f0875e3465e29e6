using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Workflows.Durability;
using Workflows.Generators.Tests.Infrastructure;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// Two releases of one app, each built in-process by the generator and loaded into its own load context, against
/// one SQLite run store: a run started by release 1 is paused; release 2's breaking change warns at build time;
/// with release 1's definition kept beside it (<c>version:</c>), the paused run finishes on version 1 while new runs
/// start on version 2.
/// </summary>
public sealed class VersioningEndToEndTests : IDisposable
{
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-versioning-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteWorkflowStore _store;

    public VersioningEndToEndTests()
    {
        Directory.CreateDirectory(_directory);
        _store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    // Only framework types are stored, so the (not generated here) JSON context needs no metadata of its own.
    private const string Actions = """
        namespace TestApp
        {
            public static class Hooks
            {
                public static System.Action? BeforeShip;
                public static int Loads, Ships, Dispatches;
            }

            public static class Shop
            {
                [global::Workflows.WorkflowAction("orders.load")]
                public static string Load(string id) { Hooks.Loads++; return "order " + id; }

                [global::Workflows.WorkflowAction("orders.ship")]
                public static string Ship(string order, System.Threading.CancellationToken cancellationToken)
                {
                    Hooks.Ships++;
                    Hooks.BeforeShip?.Invoke();
                    cancellationToken.ThrowIfCancellationRequested();
                    return "shipped " + order;
                }

                [global::Workflows.WorkflowAction("orders.dispatch")]
                public static int Dispatch(string order) { Hooks.Dispatches++; return order.Length; }
            }

            // Resolves nothing itself (re-implementing the interface), so the runtime's built-in context serves every type.
            public sealed partial class ShopJson : System.Text.Json.Serialization.JsonSerializerContext, System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver
            {
                System.Text.Json.Serialization.Metadata.JsonTypeInfo? System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver.GetTypeInfo(System.Type type, System.Text.Json.JsonSerializerOptions options) => null;
                public ShopJson() : base(null) { }
                public static ShopJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }
        }
        """;

    private const string Version1 = """
        name: orders
        json_context: TestApp.ShopJson
        durable: true
        inputs:
          id: { type: string, required: true }
        outputs:
          result: ${{ steps.ship.output }}
        steps:
          - id: load
            action: orders.load
            with: { id: "${{ inputs.id }}" }
          - id: ship
            action: orders.ship
            with: { order: "${{ steps.load.output }}" }
        """;

    // Release 2 replaces 'ship' (a string) by 'dispatch' (a number): a run that completed 'load' under release 1 would
    // resume fine, but one that completed 'ship' could not; WF0701 says so at build time.
    private const string Version2 = """
        name: orders
        json_context: TestApp.ShopJson
        durable: true
        inputs:
          id: { type: string, required: true }
        outputs:
          result: ${{ steps.dispatch.output }}
        steps:
          - id: load
            action: orders.load
            with: { id: "${{ inputs.id }}" }
          - id: dispatch
            action: orders.dispatch
            with: { order: "${{ steps.load.output }}" }
        """;

    [Fact]
    public async Task A_run_paused_on_version_1_finishes_on_version_1_while_new_runs_start_on_version_2()
    {
        // Release 1: its build accepts the file that is committed with it; a run starts, completes 'load', and is paused.
        var shipped = VersioningDiagnosticTests.Accept(Actions, ("flows/orders.workflow.yaml", Version1));
        Assert.Contains("orders | step | ship | orders.ship -> string", shipped, StringComparison.Ordinal);
        var release1 = Load(VersioningDiagnosticTests.Build(Actions + Driver("OrdersWorkflow", "Result"), shipped, new(), ("flows/orders.workflow.yaml", Version1)), "release1");
        try
        {
            using var stop = new CancellationTokenSource();
            release1.Hooks("BeforeShip", new Action(stop.Cancel));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => release1.Start(Options("release-1"), "run-1", stop.Token));
            Assert.True(await new WorkflowRuns(_store).PauseAsync("run-1"));
            var paused = await _store.GetRunAsync("run-1");
            Assert.Equal((RunStatus.Paused, "orders"), (paused!.Status, paused.WorkflowName));
            Assert.Equal(new[] { "load" }, (await _store.GetStepsAsync("run-1")).Where(s => s.Status == StepStatus.Succeeded).Select(s => s.StepId));
        }
        finally
        {
            release1.Unload();
        }

        // Release 2, the definition simply edited: the build warns that runs in flight of 'orders' would be stranded.
        var edited = VersioningDiagnosticTests.Build(Actions, shipped, new(), ("flows/orders.workflow.yaml", Version2));
        var warning = Assert.Single(edited.WorkflowDiagnostics);
        Assert.Equal(("WF0701", DiagnosticSeverity.Warning, 0), (warning.Id, warning.Severity, warning.Location.GetLineSpan().StartLinePosition.Line));
        Assert.Contains("no longer has step 'ship' (orders.ship -> string)", warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Release 2 with version 1 kept beside it: no warning; the paused run finishes on version 1, a new run uses version 2.
        var sideBySide = VersioningDiagnosticTests.Build(
            Actions + Driver("OrdersV1Workflow", "Result") + Driver("OrdersV2Workflow", "Result"),
            shipped,
            new(),
            ("flows/orders.v1.workflow.yaml", Version1.Replace("name: orders\n", "name: orders\nversion: 1\n", StringComparison.Ordinal)),
            ("flows/orders.workflow.yaml", Version2.Replace("name: orders\n", "name: orders\nversion: 2\n", StringComparison.Ordinal)));
        Assert.Empty(sideBySide.WorkflowDiagnostics);
        var release2 = Load(sideBySide, "release2");
        try
        {
            Assert.True(await new WorkflowRuns(_store).ResumeAsync("run-1"));
            // Version 2 does not take version 1's run; version 1 does, and restores 'load' instead of running it again.
            Assert.Equal(0, await release2.Recover("OrdersV2WorkflowDriver", Options("release-2")));
            Assert.Equal(1, await release2.Recover("OrdersV1WorkflowDriver", Options("release-2")));
            Assert.Equal((0, 1, 0), (release2.Count("Loads"), release2.Count("Ships"), release2.Count("Dispatches")));
            var finished = await _store.GetRunAsync("run-1");
            Assert.Equal((RunStatus.Succeeded, "orders"), (finished!.Status, finished.WorkflowName));
            Assert.Equal("{\"result\":\"shipped order o-1\"}", finished.OutputsJson);

            Assert.Equal("9", await release2.Start("OrdersV2WorkflowDriver", Options("release-2"), "run-2", CancellationToken.None));
            var started = await _store.GetRunAsync("run-2");
            Assert.Equal((RunStatus.Succeeded, "orders@2"), (started!.Status, started.WorkflowName));
            Assert.Equal(new[] { "dispatch", "load" }, (await _store.GetStepsAsync("run-2")).Select(s => s.StepId).Order(StringComparer.Ordinal));
        }
        finally
        {
            release2.Unload();
        }
    }

    private WorkflowOptions Options(string owner) => new() { Store = _store, Owner = owner, LeaseDuration = TimeSpan.FromSeconds(30) };

    /// <summary>Calls into one generated workflow class, so the test needs no reflection over generated members.</summary>
    private static string Driver(string className, string output) => $$"""

        namespace TestApp
        {
            public static class {{className}}Driver
            {
                public static async System.Threading.Tasks.Task<string> StartAsync(global::Workflows.WorkflowOptions options, string runId, System.Threading.CancellationToken cancellationToken)
                    => (await new {{className}}(options).RunDurableAsync(new {{className}}.Inputs { Id = "o-1" }, runId, cancellationToken)).{{output}}.ToString()!;

                public static async System.Threading.Tasks.Task<int> RecoverAsync(global::Workflows.WorkflowOptions options)
                    => await new {{className}}(options).RecoverAsync();
            }
        }
        """;

    private static App Load(BuildResult result, string name)
    {
        Assert.Empty(result.AnalyzerExceptions);
        using var image = new MemoryStream();
        var emitted = result.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext(name, isCollectible: true);
        return new App(context, context.LoadFromStream(image));
    }

    private sealed record App(AssemblyLoadContext Context, Assembly Assembly)
    {
        public void Hooks(string field, object value) => Type("TestApp.Hooks").GetField(field)!.SetValue(null, value);

        public int Count(string field) => (int)Type("TestApp.Hooks").GetField(field)!.GetValue(null)!;

        public Task<string> Start(WorkflowOptions options, string runId, CancellationToken cancellationToken)
            => Start("OrdersWorkflowDriver", options, runId, cancellationToken);

        public Task<string> Start(string driver, WorkflowOptions options, string runId, CancellationToken cancellationToken)
            => ((Task<string>)Type("TestApp." + driver).GetMethod("StartAsync")!.Invoke(null, new object[] { options, runId, cancellationToken })!).WaitAsync(s_deadlockGuard);

        public Task<int> Recover(string driver, WorkflowOptions options)
            => ((Task<int>)Type("TestApp." + driver).GetMethod("RecoverAsync")!.Invoke(null, new object[] { options })!).WaitAsync(s_deadlockGuard);

        public void Unload() => Context.Unload();

        private Type Type(string name) => Assembly.GetType(name, throwOnError: true)!;
    }
}
