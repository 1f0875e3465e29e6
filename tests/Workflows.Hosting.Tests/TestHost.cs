using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Scheduling;

namespace Workflows.Hosting.Tests;

/// <summary>One <see cref="WorkflowHostService"/> in its own container, on a manual clock.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TestHost(ServiceProvider provider, WorkflowHostService service)
    {
        _provider = provider;
        Service = service;
    }

    public WorkflowHostService Service { get; }

    public static async Task<TestHost> StartAsync(
        IEnumerable<WorkflowRegistration> registrations, TimeProvider clock, IWorkflowStore? store = null, Action<WorkflowHostOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new WorkflowOptions { TimeProvider = clock, Store = store });
        services.AddWorkflows(registrations, configure);
        var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<WorkflowHostService>();
        await service.StartAsync(CancellationToken.None);
        return new TestHost(provider, service);
    }

    /// <summary>Stops like a host does: waiting for running runs at most as long as a shutdown timeout.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Service.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _provider.DisposeAsync();
    }
}

/// <summary>Builds registrations by hand, the way generated code would.</summary>
internal static class Registrations
{
    public static WorkflowSchedule Schedule(string cron, string zone = "UTC", bool allowOverlap = false, CatchUpPolicy catchUp = CatchUpPolicy.None, string workflow = "wf")
        => new(workflow, cron, zone, allowOverlap, catchUp);

    public static WorkflowRegistration Create(
        string name,
        IReadOnlyList<WorkflowSchedule> schedules,
        Func<object, string, CancellationToken, Task>? run,
        Func<object, CancellationToken, Task<int>>? recover = null,
        bool durable = false,
        Func<IServiceProvider, object>? create = null)
        => new(
            name,
            new WorkflowDescriptor(name, null, name + ".workflow.yaml", [], []),
            schedules,
            durable,
            create ?? (_ => new object()),
            run,
            recover);
}

/// <summary>Records the run ids a fake <c>RunScheduledAsync</c> was called with, in order, and lets a test await them.</summary>
internal sealed class Calls
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();

    public void Add(string runId) => _channel.Writer.TryWrite(runId);

    /// <summary>The next call (a guard timeout against a hung test, not a wait).</summary>
    public async Task<string> NextAsync() => await _channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public bool TryNext(out string? runId) => _channel.Reader.TryRead(out runId);
}
