using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Signals and durable timers on every store, through the generated approval workflow: submit, wait for the
/// manager's decision (72h timeout), sleep a day, ship. The clock is a manual one: nothing sleeps.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private readonly WaitClock _clock = new();

    private WorkflowOptions WaitOptions(string owner = "host-a", IWorkflowStore? store = null)
        => new() { Store = store ?? Store, Owner = owner, TimeProvider = _clock, LeaseDuration = TimeSpan.FromMinutes(10) };

    private WorkflowRuns Runs => new(Store, _clock);

    private static ApprovalWorkflow.Inputs Expense => new() { Amount = 120m };

    /// <summary>Starts a run that ends up waiting for the manager's approval.</summary>
    private async Task<ApprovalActions> StartWaitingAsync(string runId, ApprovalActions? actions = null)
    {
        actions ??= new ApprovalActions();
        var waiting = await Assert.ThrowsAsync<WorkflowRunWaitingException>(() => new ApprovalWorkflow(actions, WaitOptions()).RunDurableAsync(Expense, runId).AsTask());
        Assert.StartsWith("signal manager-approval since ", waiting.WaitingFor, StringComparison.Ordinal);
        return actions;
    }

    [StoreFact]
    public async Task Signal_reaches_a_waiting_run_which_continues_after_its_sleep_and_completes_once()
    {
        var actions = await StartWaitingAsync("approve-1");
        var run = await Store.GetRunAsync("approve-1");
        Assert.Equal(RunStatus.Waiting, run!.Status);
        Assert.Null(run.Owner); // nothing held while it waits
        Assert.Equal(new[] { "manager-approval" }, (await Runs.GetWaitAsync("approve-1"))!.SignalNames);
        var workflow = new ApprovalWorkflow(actions, WaitOptions());
        Assert.Equal(0, await workflow.RecoverAsync()); // not woken yet

        Assert.True(await ApprovalWorkflow.SendManagerApprovalAsync(Runs, "approve-1", new ApprovalDecision(true, "ann")));
        Assert.Equal(0, await workflow.RecoverAsync()); // consumed, then the cool-down sleeps
        var sleeping = await Runs.GetWaitAsync("approve-1");
        Assert.Empty(sleeping!.SignalNames);
        Assert.Equal(_clock.GetUtcNow().AddDays(1), sleeping.WakeAt);
        Assert.StartsWith("sleeping until ", sleeping.Describe(), StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await workflow.RecoverAsync());

        var done = await Store.GetRunAsync("approve-1");
        Assert.Equal(RunStatus.Succeeded, done!.Status);
        Assert.Contains("\"shipped\":\"shipped by ann\"", done.OutputsJson, StringComparison.Ordinal);
        Assert.Equal(1, actions.Calls["submit"]);
        Assert.Equal(1, actions.Calls["ship"]);
        var signal = Assert.Single(await ((IWorkflowSignalStore)Store).GetSignalsAsync("approve-1"));
        Assert.Equal("approve", signal.ConsumedBy);
    }

    [StoreFact]
    public async Task A_signal_sent_before_the_run_waits_is_kept_and_consumed_when_it_gets_there()
    {
        var actions = new ApprovalActions();
        actions.DuringSubmit = async () => await ApprovalWorkflow.SendManagerApprovalAsync(Runs, "early-1", new ApprovalDecision(false, "bob"));

        var waiting = await Assert.ThrowsAsync<WorkflowRunWaitingException>(() => new ApprovalWorkflow(actions, WaitOptions()).RunDurableAsync(Expense, "early-1").AsTask());

        Assert.StartsWith("sleeping until ", waiting.WaitingFor, StringComparison.Ordinal); // went through the signal step
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await new ApprovalWorkflow(actions, WaitOptions()).RecoverAsync());
        Assert.Contains("rejected by bob", (await Store.GetRunAsync("early-1"))!.OutputsJson, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task A_resent_signal_id_is_ignored_and_the_first_payload_stands()
    {
        await StartWaitingAsync("dup-1");

        Assert.True(await ApprovalWorkflow.SendManagerApprovalAsync(Runs, "dup-1", new ApprovalDecision(true, "first"), signalId: "mail-42"));
        Assert.False(await ApprovalWorkflow.SendManagerApprovalAsync(Runs, "dup-1", new ApprovalDecision(false, "second"), signalId: "mail-42"));

        Assert.Single(await ((IWorkflowSignalStore)Store).GetSignalsAsync("dup-1"));
        await new ApprovalWorkflow(new ApprovalActions(), WaitOptions()).RecoverAsync();
        _clock.Advance(TimeSpan.FromDays(1));
        await new ApprovalWorkflow(new ApprovalActions(), WaitOptions()).RecoverAsync();
        Assert.Contains("shipped by first", (await Store.GetRunAsync("dup-1"))!.OutputsJson, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task A_signal_not_received_within_its_timeout_fails_the_step_with_a_clear_message()
    {
        var actions = await StartWaitingAsync("late-1");

        _clock.Advance(TimeSpan.FromHours(71));
        Assert.Equal(0, await new ApprovalWorkflow(actions, WaitOptions()).RecoverAsync());
        _clock.Advance(TimeSpan.FromHours(1));
        await new ApprovalWorkflow(actions, WaitOptions()).RecoverAsync();

        var run = await Store.GetRunAsync("late-1");
        Assert.Equal(RunStatus.Failed, run!.Status);
        Assert.Contains("Step 'approve': signal 'manager-approval' not received within 3d.", run.Error, StringComparison.Ordinal);
        Assert.False(actions.Calls.ContainsKey("ship"));
    }

    [StoreFact]
    public async Task A_signal_to_an_unknown_or_finished_run_is_refused()
    {
        var unknown = await Assert.ThrowsAsync<WorkflowSignalRefusedException>(() => ApprovalWorkflow.SendManagerApprovalAsync(Runs, "nobody", new ApprovalDecision(true, "x")).AsTask());
        Assert.Equal("Signal 'manager-approval' was not sent: there is no run 'nobody'.", unknown.Message);

        await StartWaitingAsync("over-1");
        Assert.True(await Runs.CancelAsync("over-1"));
        var finished = await Assert.ThrowsAsync<WorkflowSignalRefusedException>(() => ApprovalWorkflow.SendManagerApprovalAsync(Runs, "over-1", new ApprovalDecision(true, "x")).AsTask());
        Assert.Equal("Signal 'manager-approval' was not sent: run 'over-1' has finished (cancelled).", finished.Message);
        Assert.Empty(await ((IWorkflowSignalStore)Store).GetSignalsAsync("over-1"));
    }

    [StoreFact]
    public async Task Malformed_payload_JSON_is_refused_before_it_is_stored()
    {
        await StartWaitingAsync("bad-1");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Runs.SignalAsync("bad-1", "manager-approval", "{ approved: yes").AsTask());

        Assert.StartsWith("The payload of signal 'manager-approval' is not JSON:", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ((IWorkflowSignalStore)Store).GetSignalsAsync("bad-1"));
    }

    [StoreFact]
    public async Task A_sleep_is_not_lengthened_by_a_restart()
    {
        var actions = new ApprovalActions { DuringSubmit = () => ApprovalWorkflow.SendManagerApprovalAsync(Runs, "sleep-1", new ApprovalDecision(true, "cy")).AsTask() };
        await Assert.ThrowsAsync<WorkflowRunWaitingException>(() => new ApprovalWorkflow(actions, WaitOptions()).RunDurableAsync(Expense, "sleep-1").AsTask());
        var wake = (await Runs.GetWaitAsync("sleep-1"))!.WakeAt;
        Assert.Equal(_clock.GetUtcNow().AddDays(1), wake);

        // Half a day later the run executes again (paused and resumed: its steps run from the store's records).
        _clock.Advance(TimeSpan.FromHours(12));
        Assert.True(await Runs.PauseAsync("sleep-1"));
        Assert.True(await Runs.ResumeAsync("sleep-1"));
        Assert.Equal(0, await new ApprovalWorkflow(actions, WaitOptions("host-b")).RecoverAsync());
        Assert.Equal(wake, (await Runs.GetWaitAsync("sleep-1"))!.WakeAt); // not 12h later

        _clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(1, await new ApprovalWorkflow(actions, WaitOptions()).RecoverAsync());
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync("sleep-1"))!.Status);
        Assert.Equal(1, actions.Calls["submit"]);
    }

    [StoreFact]
    public async Task Two_hosts_continue_a_signalled_run_exactly_once()
    {
        var actions = await StartWaitingAsync("race-1");
        Assert.True(await ApprovalWorkflow.SendManagerApprovalAsync(Runs, "race-1", new ApprovalDecision(true, "dee")));
        _clock.Advance(TimeSpan.FromDays(1)); // so whoever continues it runs to the end in one go... after its own sleep

        var a = new ApprovalWorkflow(actions, WaitOptions("host-a"));
        var b = new ApprovalWorkflow(actions, WaitOptions("host-b", OpenAnother()));
        await Task.WhenAll(a.RecoverAsync().AsTask(), b.RecoverAsync().AsTask());
        _clock.Advance(TimeSpan.FromDays(1));
        var completed = await Task.WhenAll(a.RecoverAsync().AsTask(), b.RecoverAsync().AsTask());

        Assert.Equal(1, completed.Sum());
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync("race-1"))!.Status);
        Assert.Equal(1, actions.Calls["ship"]);
        Assert.Equal(1, actions.Calls["submit"]);
        Assert.Equal(1, (await Store.GetEventsAsync("race-1")).Count(e => e.Kind == "signal-received"));
    }

    [StoreFact]
    public async Task A_waiting_run_can_be_paused_resumed_and_cancelled()
    {
        await StartWaitingAsync("steer-1");

        Assert.True(await Runs.PauseAsync("steer-1"));
        Assert.Equal(RunStatus.Paused, (await Store.GetRunAsync("steer-1"))!.Status);
        Assert.True(await Runs.ResumeAsync("steer-1"));
        Assert.Equal(0, await new ApprovalWorkflow(new ApprovalActions(), WaitOptions()).RecoverAsync());
        Assert.Equal(RunStatus.Waiting, (await Store.GetRunAsync("steer-1"))!.Status); // back to waiting, submit not run again

        Assert.True(await Runs.CancelAsync("steer-1"));
        Assert.Equal(RunStatus.Cancelled, (await Store.GetRunAsync("steer-1"))!.Status);
    }
}
