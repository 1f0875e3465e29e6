using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Versions of a workflow kept side by side: a run is stored under its definition name (<c>orders</c> for version 1,
/// <c>orders@2</c> for version 2), which is all the store needs to keep each run on the version that started it.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [StoreFact]
    public async Task Runs_of_two_versions_are_kept_apart_by_their_definition_name()
    {
        await PendingRunAsync("v1", "orders");
        await PendingRunAsync("v2", "orders@2");

        Assert.Equal("orders@2", (await Store.GetRunAsync("v2"))!.WorkflowName);
        Assert.Equal(new[] { "v2" }, (await Store.ListRunsAsync(new RunQuery("orders@2"))).Select(r => r.RunId));
        Assert.Equal(new[] { "v1" }, (await Store.ListRunsAsync(new RunQuery("orders"))).Select(r => r.RunId));

        // Recovery by version 1's definition claims only version 1's run, and version 2's only its own.
        Assert.Equal(new[] { "v1" }, (await Store.ClaimRunsAsync("owner-1", Now, Live, 10, "orders")).Select(r => r.RunId));
        Assert.Equal(new[] { "v2" }, (await Store.ClaimRunsAsync("owner-2", Now, Live, 10, "orders@2")).Select(r => r.RunId));
    }
}
