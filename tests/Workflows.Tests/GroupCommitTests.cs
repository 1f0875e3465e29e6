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
    private sealed class GatedStore(IWorkflowStore inner) : IWorkflowStore
    {
        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<int> Sizes { get; } = new();

        public int[] BatchSizes => Sizes.ToArray();

        public async ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default)
        {
            Sizes.Enqueue(steps.Count);
            if (FirstWriteStarted.TrySetResult())
            {
                await ReleaseFirstWrite.Task;
            }

            return await inner.RecordStepsAsync(runId, owner, steps, cancellationToken);
        }

        public ValueTask<StartResult> StartRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => inner.StartRunAsync(run, owner, leaseUntil, cancellationToken);

        public ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => inner.GetRunAsync(runId, cancellationToken);

        public ValueTask<int> PurgeRunsAsync(PurgeQuery query, CancellationToken cancellationToken = default) => inner.PurgeRunsAsync(query, cancellationToken);

        public ValueTask MarkCompensatedAsync(string runId, string stepId, CancellationToken cancellationToken = default) => inner.MarkCompensatedAsync(runId, stepId, cancellationToken);

        public ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetStepsAsync(runId, cancellationToken);

        public ValueTask<bool> CompleteRunAsync(string runId, string owner, RunStatus status, string? outputsJson, string? errorMessage, CancellationToken cancellationToken = default) => inner.CompleteRunAsync(runId, owner, status, outputsJson, errorMessage, cancellationToken);

        public ValueTask<bool> RenewLeaseAsync(string runId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(runId, owner, leaseUntil, cancellationToken);

        public ValueTask<IReadOnlyList<RunRecord>> ClaimRunsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, string? workflowName = null, CancellationToken cancellationToken = default) => inner.ClaimRunsAsync(owner, now, leaseUntil, max, workflowName, cancellationToken);

        public ValueTask<RunRecord?> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => inner.TryClaimRunAsync(runId, owner, now, leaseUntil, cancellationToken);

        public ValueTask<bool> SetStatusAsync(string runId, RunStatus status, IReadOnlyList<RunStatus> from, CancellationToken cancellationToken = default) => inner.SetStatusAsync(runId, status, from, cancellationToken);

        public ValueTask DeleteFailedStepsAsync(string runId, CancellationToken cancellationToken = default) => inner.DeleteFailedStepsAsync(runId, cancellationToken);

        public ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

        public ValueTask AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken = default) => inner.AppendEventAsync(runEvent, cancellationToken);

        public ValueTask<IReadOnlyList<RunEvent>> GetEventsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetEventsAsync(runId, cancellationToken);
    }
}
