using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Runtime;
using Xunit;

namespace Workflows.BuiltIns.Tests;

/// <summary>Background jobs, output limits and secrets of process.run, with real processes.</summary>
public sealed class ProcessSafetyTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    // A background job whose parent subshell exited: it is no longer in the process tree, only in the group.
    private const string OrphanAndWait = "(sleep 100 & echo $! >> pids); sleep 101 & echo $! >> pids; echo $$ >> pids; wait";

    [Fact]
    public async Task A_timeout_kills_the_whole_process_group_including_orphaned_background_jobs()
    {
        var clock = new ManualTimeProvider();
        var run = ProcessActions.RunAsync("/bin/sh", Contexts.For(new WorkflowOptions { FileRoot = _root.Path, TimeProvider = clock }), args: ["-c", OrphanAndWait], timeout: "30s");

        var pids = await ReadPidsAsync(3);
        Assert.All(pids, pid => Assert.True(IsAlive(pid), $"process {pid} should be running before the timeout"));
        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => run);
        Assert.Contains("every process of its process group were killed", error.Message);
        Assert.True(await Eventually.HoldsAsync(() => pids.All(pid => !IsAlive(pid))), $"still alive: {string.Join(", ", pids.Where(IsAlive))}");
    }

    [Fact]
    public async Task Cancellation_kills_orphaned_background_jobs_too()
    {
        using var cancellation = new CancellationTokenSource();
        var run = ProcessActions.RunAsync("/bin/sh", Contexts.ForRoot(_root.Path, cancellation.Token), args: ["-c", OrphanAndWait]);

        var pids = await ReadPidsAsync(3);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(await Eventually.HoldsAsync(() => pids.All(pid => !IsAlive(pid))), $"still alive: {string.Join(", ", pids.Where(IsAlive))}");
    }

    [Fact]
    public async Task A_background_job_holding_the_output_open_is_not_waited_for_once_the_shell_exits()
    {
        var observer = new RecordingObserver();
        var run = ProcessActions.RunAsync("sleep 60 & echo $! > pids; echo started", Contexts.For(new WorkflowOptions { FileRoot = _root.Path, Observer = observer }), shell: "bash");

        // The delay only guards a hung test: without the fix the step waits the 60 s of the background sleep.
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))));
        var result = await run;
        var pid = (await ReadPidsAsync(1))[0];
        try
        {
            Assert.Equal("started\n", result.StandardOutput);
            Assert.True(IsAlive(pid), "the background job is left running, as a shell would");
            Assert.Contains(observer.Messages, m => m.Message.Contains("left running", StringComparison.Ordinal));
        }
        finally
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    [Fact]
    public async Task Output_beyond_max_output_size_is_cut_with_a_marker_and_said_in_the_result()
    {
        var result = await ProcessActions.RunAsync(
            "head -c 3000000 /dev/zero | tr '\\0' a; printf START >&2; head -c 2000000 /dev/zero | tr '\\0' b >&2; printf END >&2",
            Contexts.ForRoot(_root.Path),
            shell: "sh",
            maxOutputSize: "1MB");

        Assert.True(result.OutputTruncated);
        Assert.StartsWith(new string('a', 1 << 20) + "\n[output truncated by max_output_size (1MB): kept the first 1048576 of 3000000 bytes]", result.StandardOutput);
        Assert.StartsWith("[output truncated by max_output_size (1MB): kept the last 1048576 of 2000008 bytes]\n", result.StandardError);
        Assert.EndsWith("bbbEND", result.StandardError);
        Assert.DoesNotContain("START", result.StandardError);

        var small = await ProcessActions.RunAsync("echo", Contexts.ForRoot(_root.Path), args: ["hi"]);
        Assert.False(small.OutputTruncated);
    }

    [Fact]
    public async Task The_default_limit_is_one_megabyte_per_stream()
    {
        var result = await ProcessActions.RunAsync("head -c 1048577 /dev/zero | tr '\\0' a", Contexts.ForRoot(_root.Path), shell: "sh");

        Assert.True(result.OutputTruncated);
        Assert.Contains("kept the first 1048576 of 1048577 bytes", result.StandardOutput);
        await Assert.ThrowsAsync<FormatException>(() => ProcessActions.RunAsync("true", Contexts.ForRoot(_root.Path), maxOutputSize: "huge"));
    }

    [Fact]
    public async Task A_secret_across_the_cut_of_standard_error_is_masked_whole_and_in_the_exception()
    {
        const string secret = "sk-proc-ABCDEFGHIJKLMNOP";
        SecretRedactor.Remember(secret);

        var error = await Assert.ThrowsAsync<ProcessFailedException>(() => ProcessActions.RunAsync(
            "printf '%s' \"$1\" >&2; head -c 1990 /dev/zero | tr '\\0' y >&2; exit 4",
            Contexts.ForRoot(_root.Path),
            args: [secret],
            shell: "sh"));

        Assert.DoesNotContain(secret[^8..], error.Message);
        Assert.DoesNotContain(secret, error.StandardError);
        Assert.StartsWith("***yyy", error.StandardError);
    }

    [Fact]
    public async Task A_missing_program_fails_to_start_with_its_name()
    {
        var error = await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => ProcessActions.RunAsync("no-such-program-wf", Contexts.ForRoot(_root.Path)));

        Assert.Contains("no-such-program-wf", error.Message);
    }

    private async Task<int[]> ReadPidsAsync(int count)
    {
        var file = Path.Combine(_root.Path, "pids");
        int[] pids = [];
        Assert.True(
            await Eventually.HoldsAsync(() =>
            {
                if (!File.Exists(file))
                {
                    return false;
                }

                pids = File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse).ToArray();
                return pids.Length >= count;
            }),
            "the script did not start its processes");
        return pids;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
