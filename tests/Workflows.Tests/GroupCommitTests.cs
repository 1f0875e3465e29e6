using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Xunit;

namespace Workflows.Tests;

/// <summary>Steps that complete while a checkpoint is being written share the next transaction.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wf-group-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Records_that_arrive_during_a_write_are_written_together()
    {
        var store = new GatedStore(new Sqlite.SqliteWorkflowStore(Path.Combine(_directory, "runs.db")));
        var options = new WorkflowOptions { Store = store, Owner = "me" };
        var signatures = DurableOrdersWorkflow.Descriptor.Steps.Select(_ => "sig").ToArray();
        var (run, _) = await DurableRun.BeginAsync(options, DurableOrdersWorkflow.Descriptor, "hash", signatures, "group-1", "{}", CancellationToken.None);
        await using var durable = run!;

        var first = durable.RecordAsync("load", -1, "sig", 1, "1").AsTask();
        await store.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = durable.RecordAsync("label", 0, "sig", 1, "2").AsTask();
        var third = durable.RecordAsync("label", 1, "sig", 1, "3").AsTask();
        Assert.False(second.IsCompleted || third.IsCompleted); // waiting for the write in flight
        store.ReleaseFirstWrite.SetResult();
        await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { 1, 2 }, store.BatchSizes);
        Assert.Equal(3, (await store.GetStepsAsync("group-1")).Count);
    }

    /// <summary>Holds the first step write until the test releases it; counts every write's size.</summary>
    private sealed class GatedStore(IWorkflowStore inner) : DelegatingWorkflowStore(inner)
    {
        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<int> Sizes { get; } = new();

        public int[] BatchSizes => Sizes.ToArray();

        public override async ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default)
        {
            Sizes.Enqueue(steps.Count);
            if (FirstWriteStarted.TrySetResult())
            {
                await ReleaseFirstWrite.Task;
            }

            return await Inner.RecordStepsAsync(runId, owner, steps, cancellationToken);
        }
    }
}
