using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

/// <summary>
/// Versions kept side by side (<c>version:</c>): version 1 is registered and stored as <c>orders</c>, version 2 as
/// <c>orders@2</c>. 'run orders' starts the newest; a run continues on its own version; one whose version the app
/// no longer has is refused, naming the version.
/// </summary>
public sealed class VersionCommandTests : IDisposable
{
    private readonly Cli _cli = new();
    private readonly List<string> _ran = new();

    public void Dispose() => _cli.Dispose();

    private WorkflowRegistration Version(string name)
        => Registrations.Create(
            name,
            invoke: (_, _, _, _) => { _ran.Add("run " + name); return Task.FromResult<string?>("{}"); },
            durable: true,
            resume: (_, runId, _) => { _ran.Add("resume " + runId + " on " + name); return Task.FromResult<string?>("{}"); });

    [Fact]
    public async Task Run_starts_the_newest_version_and_a_version_can_be_named()
    {
        WorkflowRegistration[] workflows = [Version("orders"), Version("orders@2")];

        Assert.Equal(0, await _cli.RunAsync(workflows, "run", "orders"));
        Assert.Equal(0, await _cli.RunAsync(workflows, "run", "orders@1"));
        Assert.Equal(0, await _cli.RunAsync(workflows, "run", "orders@2"));

        Assert.Equal(["run orders@2", "run orders", "run orders@2"], _ran);
    }

    [Fact]
    public async Task A_paused_run_resumes_on_its_own_version_and_status_shows_the_version()
    {
        await _cli.StartRunAsync("r1", "orders");
        await _cli.StartRunAsync("r2", "orders@2");
        Assert.True(await _cli.Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));

        Assert.Equal(0, await _cli.RunAsync([Version("orders"), Version("orders@2")], "resume", "r1"));
        Assert.Equal(["resume r1 on orders"], _ran);

        Assert.Equal(0, await _cli.RunAsync([Version("orders"), Version("orders@2")], "status", "r2"));
        Assert.Contains("workflow:   orders@2" + Environment.NewLine + "version:    2" + Environment.NewLine, _cli.OutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_of_a_deleted_version_is_refused_naming_the_version_and_stays_pending()
    {
        await _cli.StartRunAsync("r1", "orders");
        Assert.True(await _cli.Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));

        Assert.Equal(1, await _cli.RunAsync([Version("orders@2")], "resume", "r1"));

        Assert.Empty(_ran);
        Assert.Contains(
            "Run 'r1' was started on version 1 of workflow 'orders', which this app no longer has (it has version 2). It stays pending: to finish it, keep that version's definition (a workflow file with 'name: orders' and 'version: 1') in an app that runs it; or cancel it.",
            _cli.ErrorText,
            StringComparison.Ordinal);
        Assert.Equal(RunStatus.Pending, await _cli.StatusOfAsync("r1"));
    }
}
