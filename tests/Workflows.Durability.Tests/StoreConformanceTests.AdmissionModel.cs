using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Admission against a model, on every store: random enqueues (keys, priorities), claims, completions, failures,
/// pauses, resumes and retries; after every claim no key holds more slots than its limit, a claim that stopped short
/// of its maximum left no admissible run behind, and it admitted each key's runs in order (priority, then age).
/// </summary>
public abstract partial class StoreConformanceTests
{
    private enum ModelState { Queued, Running, Paused, ResumedPending, Succeeded, Failed }

    [StoreFact]
    public async Task Random_operations_keep_every_limit_and_admit_in_order()
    {
        for (var seed = 1; seed <= 4; seed++)
        {
            await RandomAdmissionAsync(seed, "limited-" + seed);
        }
    }

    private async Task RandomAdmissionAsync(int seed, string workflow)
    {
        const int Limit = 2;
        var limits = new RunLimits(Limit);
        var random = new Random(seed);
        var runs = new Dictionary<string, (string Key, int Priority, int Created, ModelState State)>(StringComparer.Ordinal);
        string[] keys = ["a", "b", "c"];

        bool HoldsSlot(ModelState state) => state is ModelState.Running or ModelState.Paused or ModelState.ResumedPending;
        (int, int, string) Order(string id) => (-runs[id].Priority, runs[id].Created, id);
        List<string> InState(ModelState state) => runs.Where(r => r.Value.State == state).Select(r => r.Key).OrderBy(id => id, StringComparer.Ordinal).ToList();
        void Move(string id, ModelState state) => runs[id] = runs[id] with { State = state };

        for (var operation = 0; operation < 120; operation++)
        {
            var choice = random.Next(10);
            if (choice < 4)
            {
                var id = workflow + "-r" + runs.Count;
                var (key, priority) = (keys[random.Next(keys.Length)], random.Next(3));
                await Store.StartRunAsync(new NewRun(id, workflow, "hash-1", null, Now.AddMilliseconds(runs.Count)) { Limits = limits, ConcurrencyKey = key, Priority = priority }, "api", Live);
                Assert.True(await Store.SetStatusAsync(id, RunStatus.Pending, [RunStatus.Pending]));
                runs[id] = (key, priority, runs.Count, ModelState.Queued);
            }
            else if (choice < 7)
            {
                var max = random.Next(1, 6);
                var queuedBefore = InState(ModelState.Queued);
                var claimed = await ClaimIdsAsync(max: max, owner: "w", workflow: workflow);
                foreach (var id in claimed)
                {
                    Assert.True(runs[id].State is ModelState.Queued or ModelState.ResumedPending, $"seed {seed}: claimed {id}, which was {runs[id].State}");
                    Move(id, ModelState.Running);
                }

                foreach (var key in keys)
                {
                    var holders = runs.Values.Count(r => r.Key == key && HoldsSlot(r.State));
                    Assert.True(holders <= Limit, $"seed {seed}, operation {operation}: key {key} holds {holders} slots");
                    var waiting = runs.Where(r => r.Value.Key == key && r.Value.State == ModelState.Queued).Select(r => r.Key).ToList();
                    if (claimed.Count < max)
                    {
                        Assert.True(waiting.Count == 0 || holders == Limit, $"seed {seed}, operation {operation}: key {key} left a slot free with {waiting.Count} queued");
                    }

                    foreach (var admitted in claimed.Where(id => runs[id].Key == key && queuedBefore.Contains(id)))
                    {
                        Assert.All(waiting, queued => Assert.True(Order(admitted).CompareTo(Order(queued)) < 0, $"seed {seed}: {admitted} admitted before {queued}, which was ahead of it"));
                    }
                }

                if (claimed.Count < max)
                {
                    Assert.Empty(InState(ModelState.ResumedPending)); // runs already admitted are always claimable
                }
            }
            else if (InState(ModelState.Running) is { Count: > 0 } running && choice < 9)
            {
                var id = running[random.Next(running.Count)];
                switch (random.Next(3))
                {
                    case 0:
                        Assert.True(await Store.CompleteRunAsync(id, "w", RunStatus.Succeeded, null, null));
                        Move(id, ModelState.Succeeded);
                        break;
                    case 1:
                        Assert.True(await Store.CompleteRunAsync(id, "w", RunStatus.Failed, null, "boom"));
                        Move(id, ModelState.Failed);
                        break;
                    default:
                        Assert.True(await Store.ReleaseRunAsync(id, "w", RunStatus.Paused));
                        Move(id, ModelState.Paused);
                        break;
                }
            }
            else if (InState(ModelState.Paused).Concat(InState(ModelState.Failed)).ToList() is { Count: > 0 } stopped)
            {
                var id = stopped[random.Next(stopped.Count)];
                var from = runs[id].State == ModelState.Paused ? RunStatus.Paused : RunStatus.Failed;
                Assert.True(await Store.SetStatusAsync(id, RunStatus.Pending, [from]));
                Move(id, from == RunStatus.Paused ? ModelState.ResumedPending : ModelState.Queued); // a retried run queues again
            }
        }

        Assert.Contains(runs.Values, r => r.State == ModelState.Succeeded);
    }
}
