using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Workflows.Testing;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>Wake-up notices (<see cref="IWorkflowWakeups"/>): what one store object sends, a host listening on another object on the same database hears.</summary>
public abstract partial class StoreConformanceTests
{
    [StoreFact]
    public async Task Enqueue_resume_and_signal_wake_hosts_listening_on_the_same_database()
    {
        var listener = Assert.IsAssignableFrom<IWorkflowWakeups>(OpenAnother());
        var heard = Channel.CreateUnbounded<string>();
        using var stop = new CancellationTokenSource();
        var listening = listener.ListenAsync(name => heard.Writer.TryWrite(name), stop.Token);

        // PostgreSQL's listener connects in the background: probe until it hears (a notice is a hint, and one is enough).
        var sender = Assert.IsAssignableFrom<IWorkflowWakeups>(Store);
        var deadline = DateTime.UtcNow + s_guard;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the listener never heard a notice");
            await sender.NotifyRunnableAsync("probe");
        }
        while (!await WaitToReadAsync(heard, TimeSpan.FromMilliseconds(200)));

        var clock = new ManualTimeProvider(Now);
        var client = new SteeredWorkflow(new SteeringActions(), new WorkflowOptions { Store = Store, Owner = "api", TimeProvider = clock });
        await client.StartAsync(new SteeredWorkflow.Inputs(), "woken");
        Assert.Equal("steered", await NextAsync(heard));

        var runs = new WorkflowRuns(Store, clock);
        Assert.True(await runs.PauseAsync("woken"));
        Assert.True(await runs.ResumeAsync("woken"));
        Assert.Equal(string.Empty, await NextAsync(heard)); // a resume names no workflow: any host may have it

        await stop.CancelAsync();
        await listening.WaitAsync(s_guard); // ends with its token
    }

    private static async Task<bool> WaitToReadAsync(Channel<string> channel, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await channel.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The next notice that is not a probe (guarded against a hung test).</summary>
    private static async Task<string> NextAsync(Channel<string> channel)
    {
        while (true)
        {
            var name = await channel.Reader.ReadAsync().AsTask().WaitAsync(s_guard);
            if (name != "probe")
            {
                return name;
            }
        }
    }
}
