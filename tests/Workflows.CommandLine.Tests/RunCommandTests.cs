using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_prints_only_the_outputs_as_indented_json_on_out_and_progress_on_error()
    {
        Assert.Equal(0, await _cli.RunAsync([Registrations.Greet()], "run", "greet", "--input", "name=Ada", "-i", "count=3"));

        using var document = JsonDocument.Parse(_cli.OutText);
        Assert.Equal("hello Ada", document.RootElement.GetProperty("message").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("count").GetInt32());
        Assert.Contains("\n  \"message\"", _cli.OutText.Replace("\r", "", StringComparison.Ordinal));

        var progress = _cli.ErrorText.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["started hello", "done hello (12 ms)", "skipped bye"], progress);
        Assert.False(File.Exists(_cli.StorePath)); // not durable: no database
    }

    [Fact]
    public async Task Quiet_prints_no_progress()
    {
        Assert.Equal(0, await _cli.RunAsync([Registrations.Greet()], "run", "greet", "-i", "name=Ada", "--quiet"));
        Assert.Equal(string.Empty, _cli.ErrorText);
        Assert.Contains("hello Ada", _cli.OutText);
    }

    [Fact]
    public async Task Input_text_overrides_the_input_file()
    {
        var file = Path.Combine(Path.GetDirectoryName(_cli.StorePath)!, "inputs.json");
        await File.WriteAllTextAsync(file, "{\"name\": \"File\", \"count\": 5}");

        Assert.Equal(0, await _cli.RunAsync([Registrations.Greet()], "run", "greet", "--input-file", file, "--input", "name=Text"));

        using var document = JsonDocument.Parse(_cli.OutText);
        Assert.Equal("hello Text", document.RootElement.GetProperty("message").GetString());
        Assert.Equal(5, document.RootElement.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("no-equals-sign", "--input 'no-equals-sign' has no '=': give it as name=value (inputs of 'greet': name, count).")]
    [InlineData("=value", "--input '=value' has no name before '='")]
    public async Task An_input_without_a_name_and_value_is_a_usage_error_and_nothing_runs(string input, string message)
    {
        var invoked = false;
        Assert.Equal(2, await _cli.RunAsync([Registrations.Greet(invoked: () => invoked = true)], "run", "greet", "--input", input));
        Assert.Contains(message, _cli.ErrorText);
        Assert.False(invoked);
        Assert.Equal(string.Empty, _cli.OutText);
    }

    [Fact]
    public async Task An_unknown_or_missing_or_mistyped_input_is_a_usage_error_and_the_workflow_does_not_run()
    {
        var ran = false;
        WorkflowRegistration[] workflows = [Registrations.Greet(ran: _ => ran = true)];

        Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet", "-i", "name=Ada", "-i", "colour=red"));
        Assert.Contains("Workflow 'greet' has no input 'colour': its inputs are name, count.", _cli.ErrorText);

        Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet"));
        Assert.Contains("needs input 'name'", _cli.ErrorText);

        Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet", "-i", "name=Ada", "-i", "count=many"));
        Assert.Contains("Input 'count' of workflow 'greet' has type Int32: the value given (many) is not a valid Int32.", _cli.ErrorText);

        Assert.False(ran);
        Assert.Equal(string.Empty, _cli.OutText);
    }

    [Fact]
    public async Task An_unreadable_or_malformed_input_file_is_a_usage_error()
    {
        var invoked = false;
        WorkflowRegistration[] workflows = [Registrations.Greet(invoked: () => invoked = true)];
        var directory = Path.GetDirectoryName(_cli.StorePath)!;

        Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet", "--input-file", Path.Combine(directory, "missing.json")));
        Assert.Contains("Cannot read --input-file", _cli.ErrorText);

        var notJson = Path.Combine(directory, "bad.json");
        await File.WriteAllTextAsync(notJson, "{ name: ");
        Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet", "--input-file", notJson));
        Assert.Contains("is not valid JSON", _cli.ErrorText);

        var array = Path.Combine(directory, "array.json");
        await File.WriteAllTextAsync(array, "[1, 2]");
        Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet", "--input-file", array));
        Assert.Contains("holds a JSON array: it must be an object", _cli.ErrorText);

        Assert.False(invoked);
    }

    [Fact]
    public async Task Missing_inputs_are_all_named_in_one_error_and_nothing_runs()
    {
        var invoked = false;
        var orders = Registrations.Create("orders", (_, _, _, _) => { invoked = true; return Task.FromResult<string?>(null); }, durable: true) with
        {
            Inputs = [new WorkflowParameter("customer", "string", IsRequired: true), new WorkflowParameter("lines", "OrderLine[]", IsRequired: true), new WorkflowParameter("note", "string")],
        };

        Assert.Equal(2, await _cli.RunAsync([orders], "run", "orders", "-i", "note=hi"));
        Assert.Equal(
            "error: Workflow 'orders' needs inputs 'customer' (string) and 'lines' (OrderLine[]): give each as name=<value> or in the inputs file." + Environment.NewLine,
            _cli.ErrorText); // and no run id: no run was started
        Assert.False(invoked);
    }

    [Fact]
    public async Task A_durable_run_whose_inputs_are_refused_prints_no_run_id()
    {
        var durable = Registrations.Create("ledger", (workflow, values, runId, ct) =>
        {
            // As the generated code does: the inputs are read before the run starts (and WorkflowStarted is reported).
            values.GetRequired<int>("ledger", "amount", Registrations.Json);
            workflow.Observer.WorkflowStarted("ledger");
            return Task.FromResult<string?>("{}");
        }, durable: true) with { Inputs = [new WorkflowParameter("amount", "int", IsRequired: true)] };

        Assert.Equal(2, await _cli.RunAsync([durable], "run", "ledger", "-i", "amount=lots", "--run-id", "r-never"));
        Assert.DoesNotContain("run r-never", _cli.ErrorText);
        Assert.Contains("has type Int32: the value given (lots) is not a valid Int32.", _cli.ErrorText);

        Assert.Equal(0, await _cli.RunAsync([durable], "run", "ledger", "-i", "amount=3", "--run-id", "r-ran", "--quiet"));
        Assert.Equal("run r-ran" + Environment.NewLine, _cli.ErrorText);
    }

    [Fact]
    public async Task An_input_file_that_never_ends_or_is_too_large_is_refused_with_exit_2()
    {
        var invoked = false;
        WorkflowRegistration[] workflows = [Registrations.Greet(invoked: () => invoked = true)];
        if (File.Exists("/dev/zero"))
        {
            Assert.Equal(2, await _cli.RunAsync(workflows, "run", "greet", "--input-file", "/dev/zero"));
            Assert.Equal("error: --input-file '/dev/zero' is larger than 16 MiB: give a smaller file, or raise WorkflowCommandLineOptions.MaxInputFileBytes." + Environment.NewLine, _cli.ErrorText);
        }

        var file = Path.Combine(Path.GetDirectoryName(_cli.StorePath)!, "big.json");
        await File.WriteAllTextAsync(file, "{\"name\": \"" + new string('a', 2000) + "\"}");
        Assert.Equal(2, await _cli.RunAsync(workflows, options => options.MaxInputFileBytes = 1024, CancellationToken.None, "run", "greet", "--input-file", file));
        Assert.Contains("is larger than 1 KiB", _cli.ErrorText);

        Assert.Equal(0, await _cli.RunAsync(workflows, options => options.MaxInputFileBytes = 2048, CancellationToken.None, "run", "greet", "--input-file", file, "-q"));
        Assert.True(invoked);
    }

    [Fact]
    public async Task A_huge_input_value_is_cut_in_the_error()
    {
        var huge = new string('7', 50 * 1024 * 1024) + "x";
        Assert.Equal(2, await _cli.RunAsync([Registrations.Greet()], "run", "greet", "-i", "name=Ada", "-i", "count=" + huge));
        Assert.True(_cli.ErrorText.Length < 1000, $"{_cli.ErrorText.Length} characters");
        Assert.Contains("... (52428801 characters)", _cli.ErrorText);

        Assert.Equal(2, await _cli.RunAsync([Registrations.Greet()], "run", "greet", "-i", huge));
        Assert.True(_cli.ErrorText.Length < 1000, $"{_cli.ErrorText.Length} characters");
    }

    [Fact]
    public async Task Run_of_an_unknown_workflow_is_a_usage_error()
    {
        Assert.Equal(2, await _cli.RunAsync([Registrations.Greet()], "run", "grete"));
        Assert.Contains("No workflow 'grete'. Known: greet. Run 'list' to see them.", _cli.ErrorText);
    }

    [Fact]
    public async Task A_failed_workflow_exits_1_with_the_failed_step_and_the_progress_of_its_attempts()
    {
        var flaky = Registrations.Create("flaky", (workflow, values, runId, ct) =>
        {
            var boom = new InvalidOperationException("boom");
            workflow.Observer.StepStarted("flaky", "deploy");
            workflow.Observer.StepRetrying("flaky", "deploy", 1, TimeSpan.FromMilliseconds(200), boom);
            workflow.Observer.StepFailed("flaky", "deploy", 2, TimeSpan.FromSeconds(1), boom);
            throw new WorkflowFailedException("flaky", "deploy", 2, boom);
        }, steps: ["deploy"]);

        Assert.Equal(1, await _cli.RunAsync([flaky], "run", "flaky"));

        var error = _cli.ErrorText;
        Assert.Contains("started deploy", error);
        Assert.Contains("retry deploy attempt 2 in 200 ms: boom", error);
        Assert.Contains("failed deploy after 2 attempts: boom", error);
        Assert.Contains("error: Workflow 'flaky' failed at step 'deploy' after 2 attempts: boom", error);
        Assert.Equal(string.Empty, _cli.OutText);
    }

    [Fact]
    public async Task Any_other_exception_of_the_workflow_exits_1_with_its_message()
    {
        var broken = Registrations.Create("broken", (_, _, _, _) => throw new IOException("disk full"));
        Assert.Equal(1, await _cli.RunAsync([broken], "run", "broken"));
        Assert.Contains("error: workflow 'broken' failed: disk full", _cli.ErrorText);
    }

    [Fact]
    public async Task Run_id_on_a_workflow_that_is_not_durable_is_a_usage_error()
    {
        var invoked = false;
        Assert.Equal(2, await _cli.RunAsync([Registrations.Greet(invoked: () => invoked = true)], "run", "greet", "-i", "name=Ada", "--run-id", "r1"));
        Assert.Contains("Workflow 'greet' is not durable: --run-id applies only to durable workflows", _cli.ErrorText);
        Assert.False(invoked);
    }

    [Fact]
    public async Task A_durable_run_gets_a_new_id_printed_when_it_starts_and_the_store_in_its_options()
    {
        string? seenId = null;
        IWorkflowStore? seenStore = null;
        var errorWhenInvoked = string.Empty;
        var durable = Registrations.Create("ledger", async (workflow, values, runId, ct) =>
        {
            seenId = runId;
            seenStore = workflow.Options.Store;
            workflow.Observer.WorkflowStarted("ledger"); // as the generated code reports once the run is in the store
            errorWhenInvoked = _cli.ErrorText;
            var now = DateTimeOffset.UtcNow;
            await workflow.Options.Store!.StartRunAsync(new NewRun(runId!, "ledger", "hash", null, now), workflow.Options.Owner, now.AddMinutes(1), ct);
            await workflow.Options.Store.CompleteRunAsync(runId!, workflow.Options.Owner, RunStatus.Succeeded, "{\"total\":1}", null, ct);
            return "{\"total\":1}";
        }, durable: true);

        Assert.Equal(0, await _cli.RunAsync([durable], "run", "ledger"));

        Assert.NotNull(seenId);
        Assert.Matches("^[0-9a-f]{32}$", seenId);
        Assert.NotNull(seenStore);
        Assert.Equal("run " + seenId + Environment.NewLine, errorWhenInvoked);
        Assert.Equal(RunStatus.Succeeded, await _cli.StatusOfAsync(seenId!));

        Assert.Equal(0, await _cli.RunAsync([durable], "run", "ledger", "--run-id", "my-id"));
        Assert.Equal("my-id", seenId);
        Assert.StartsWith("run my-id", _cli.ErrorText);
    }

    [Fact]
    public async Task Ctrl_c_cancels_the_run_with_exit_1_and_a_resume_hint_for_a_durable_run()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var durable = Registrations.Create("slow", async (workflow, values, runId, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }, durable: true);

        using var cancellation = new CancellationTokenSource();
        var run = _cli.RunAsync([durable], null, cancellation.Token, "run", "slow", "--run-id", "r-slow");
        await started.Task;
        cancellation.Cancel();

        Assert.Equal(1, await run);
        Assert.Contains("cancelled", _cli.ErrorText);
        Assert.Contains("'resume r-slow'", _cli.ErrorText);
    }

    [Fact]
    public async Task The_progress_observer_is_composed_with_the_apps_observer_and_the_apps_services_reach_create()
    {
        var appObserver = new RecordingObserver();
        var greeter = new Greeter();
        var registration = Registrations.Create(
            "custom",
            (workflow, values, runId, ct) =>
            {
                Assert.Same(greeter, workflow.Services.GetRequiredService<Greeter>());
                Assert.Equal("/files", workflow.Options.FileRoot);
                Assert.Equal(3, workflow.Options.MaxDegreeOfParallelism);
                // A run that is not durable records its history in the command line's store.
                Assert.True(workflow.Options.History);
                Assert.NotNull(workflow.Options.Store);
                workflow.Observer.StepStarted("custom", "one");
                return Task.FromResult<string?>(null);
            });

        Assert.Equal(0, await _cli.RunAsync([registration], options =>
        {
            options.Services.AddSingleton(greeter);
            options.Options = new WorkflowOptions { Observer = appObserver, FileRoot = "/files", MaxDegreeOfParallelism = 3 };
        }, default, "run", "custom"));

        Assert.Equal(["custom/one"], appObserver.Started);
        Assert.Contains("started one", _cli.ErrorText);
        Assert.Equal(string.Empty, _cli.OutText); // no outputs: nothing on out
    }

    [Fact]
    public async Task A_workflow_that_cannot_be_created_is_refused_with_what_to_do()
    {
        var registration = Registrations.Create(
            "needy",
            (_, _, _, _) => Task.FromResult<string?>(null),
            create: _ => throw new InvalidOperationException("Workflow 'needy' needs a Greeter from the service provider: register one."));

        Assert.Equal(1, await _cli.RunAsync([registration], "run", "needy"));
        Assert.Contains("Cannot create workflow 'needy': Workflow 'needy' needs a Greeter", _cli.ErrorText);
        Assert.Contains("WorkflowCommandLineOptions.Services", _cli.ErrorText);
    }

    private sealed class Greeter;

    private sealed class RecordingObserver : IWorkflowObserver
    {
        public List<string> Started { get; } = new();

        public void StepStarted(string workflowName, string stepId) => Started.Add(workflowName + "/" + stepId);
    }
}
