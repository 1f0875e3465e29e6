using System;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>The signal calls' shared checks and decisions (<see cref="StoreConventions"/>), on every store.</summary>
public abstract partial class StoreConformanceTests
{
    [StoreFact]
    public async Task Signal_calls_refuse_missing_arguments_naming_them()
    {
        var signals = (IWorkflowSignalStore)Store;
        var now = DateTimeOffset.UtcNow;
        var record = Step("r", "approve");

        Assert.Equal("signal", (await Assert.ThrowsAsync<ArgumentNullException>(() => signals.SendSignalAsync(null!).AsTask())).ParamName);
        Assert.Equal("signal", (await Assert.ThrowsAsync<ArgumentNullException>(() => signals.SendSignalAsync(new NewSignal("r", null!, "id-1", null, now)).AsTask())).ParamName);
        Assert.Equal("stepId", (await Assert.ThrowsAsync<ArgumentNullException>(() => signals.BeginWaitAsync("r", null!, "approve", now, null).AsTask())).ParamName);
        Assert.Equal("owner", (await Assert.ThrowsAsync<ArgumentException>(() => signals.ConsumeSignalAsync("r", "", "approve", record).AsTask())).ParamName);
        Assert.Equal("signalName", (await Assert.ThrowsAsync<ArgumentNullException>(() => signals.ConsumeSignalAsync("r", "host-a", null!, record).AsTask())).ParamName);
        Assert.Equal("wait", (await Assert.ThrowsAsync<ArgumentNullException>(() => signals.SetWaitingAsync("r", "host-a", null!, now).AsTask())).ParamName);
    }

    [Fact]
    public void A_signal_is_refused_for_a_missing_or_finished_run_and_wakes_a_run_waiting_for_its_exact_name()
    {
        Assert.Equal(SignalDelivery.RunNotFound, StoreConventions.RefuseSignal(null));
        Assert.Equal(SignalDelivery.RunFinished, StoreConventions.RefuseSignal("cancelled"));
        Assert.Null(StoreConventions.RefuseSignal("waiting"));
        Assert.Null(StoreConventions.RefuseSignal("paused"));

        Assert.True(StoreConventions.SignalWakes("waiting", ["timeout", "manager-approval"], "manager-approval"));
        Assert.False(StoreConventions.SignalWakes("waiting", ["manager-approval"], "manager")); // whole names only
        Assert.False(StoreConventions.SignalWakes("waiting", ["manager-approval"], "Manager-Approval"));
        Assert.False(StoreConventions.SignalWakes("waiting", null, "manager-approval"));
        Assert.False(StoreConventions.SignalWakes("paused", ["manager-approval"], "manager-approval"));
    }
}
