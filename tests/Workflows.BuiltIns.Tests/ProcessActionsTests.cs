using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.BuiltIns.Tests;

public sealed class ProcessActionsTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private StepContext Context => Contexts.ForRoot(_root.Path);

    [Fact]
    public async Task Echo_output_and_exit_code_are_captured()
    {
        var result = await ProcessActions.RunAsync("echo", Context, args: ["hello", "world"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello world\n", result.StandardOutput);
        Assert.Equal(string.Empty, result.StandardError);
    }

    [Fact]
    public async Task Arguments_are_passed_verbatim_without_a_shell()
    {
        var result = await ProcessActions.RunAsync("printf", Context, args: ["[%s]\n", "a b", "c  d", "\"q\"", "$HOME", "*", "x;y"]);

        Assert.Equal("[a b]\n[c  d]\n[\"q\"]\n[$HOME]\n[*]\n[x;y]\n", result.StandardOutput);
    }

    [Fact]
    public async Task Without_a_shell_the_command_is_a_program_name_not_a_script()
    {
        await Assert.ThrowsAsync<Win32Exception>(() => ProcessActions.RunAsync("echo hi; echo there", Context));
    }

    [Fact]
    public async Task Shell_bash_runs_the_command_as_a_script_with_args_as_positional_parameters()
    {
        var result = await ProcessActions.RunAsync("echo \"$1|$2\" && echo \"$0\" >&2", Context, args: ["a b", "$(id)"], shell: "bash");

        Assert.Equal("a b|$(id)\n", result.StandardOutput);
        Assert.Equal("bash\n", result.StandardError);
    }

    [Fact]
    public async Task Shell_execute_is_the_same_action_and_sh_is_accepted()
    {
        var result = await ProcessActions.ExecuteAsync("printf %s \"$GREETING\"", Context, environment: new Dictionary<string, string> { ["GREETING"] = "hi there" }, shell: "sh");

        Assert.Equal("hi there", result.StandardOutput);
    }

    [Fact]
    public async Task An_unknown_shell_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ProcessActions.RunAsync("echo hi", Context, shell: "python"));

        Assert.Contains("python", error.Message);
    }

    [Fact]
    public async Task Environment_and_working_directory_apply()
    {
        Directory.CreateDirectory(Path.Combine(_root.Path, "work"));

        var result = await ProcessActions.RunAsync("/bin/sh", Context, args: ["-c", "pwd; printf %s \"$FOO\""], workingDirectory: "work", environment: new Dictionary<string, string> { ["FOO"] = "bar baz" });

        Assert.Equal(Path.Combine(_root.Path, "work") + "\nbar baz", result.StandardOutput);
    }

    [Fact]
    public async Task The_working_directory_must_stay_under_the_root()
    {
        await Assert.ThrowsAsync<WorkflowPathException>(() => ProcessActions.RunAsync("pwd", Context, workingDirectory: ".."));
        await Assert.ThrowsAsync<WorkflowPathException>(() => ProcessActions.RunAsync("pwd", Context, workingDirectory: "/"));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => ProcessActions.RunAsync("pwd", Context, workingDirectory: "nope"));
    }

    [Fact]
    public async Task A_non_zero_exit_fails_with_the_code_and_the_end_of_stderr()
    {
        var error = await Assert.ThrowsAsync<ProcessFailedException>(() => ProcessActions.RunAsync("/bin/sh", Context, args: ["-c", "echo out; echo broken >&2; exit 3"]));

        Assert.Equal(3, error.ExitCode);
        Assert.Equal("out\n", error.StandardOutput);
        Assert.Equal("broken\n", error.StandardError);
        Assert.Contains("code 3", error.Message);
        Assert.Contains("broken", error.Message);
        Assert.Contains("allow_failure", error.Message);
    }

    [Fact]
    public async Task Allow_failure_returns_the_non_zero_exit_code()
    {
        var result = await ProcessActions.RunAsync("/bin/sh", Context, args: ["-c", "echo oops >&2; exit 7"], allowFailure: true);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("oops\n", result.StandardError);
    }

    [Fact]
    public async Task Large_output_on_both_streams_does_not_deadlock_and_is_captured_fully()
    {
        // 1 MB on each stream: far beyond a pipe's buffer, interleaved.
        var result = await ProcessActions.RunAsync(
            "/bin/sh",
            Context,
            args: ["-c", "i=0; while [ $i -lt 1024 ]; do head -c 1023 /dev/zero | tr '\\0' a; echo; head -c 1023 /dev/zero | tr '\\0' b >&2; echo >&2; i=$((i+1)); done"],
            timeout: "2m");

        Assert.Equal(1024 * 1024, result.StandardOutput.Length);
        Assert.Equal(1024 * 1024, result.StandardError.Length);
        Assert.Equal(1024 * 1023, result.StandardOutput.Count(c => c == 'a'));
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        using var cancellation = new CancellationTokenSource();
        var run = ProcessActions.RunAsync(
            "/bin/sh",
            Contexts.ForRoot(_root.Path, cancellation.Token),
            args: ["-c", "sleep 100 & echo $! >> pids; sleep 101 & echo $! >> pids; echo $$ >> pids; wait"]);

        var pids = await ReadPidsAsync(3);
        Assert.All(pids, pid => Assert.True(IsAlive(pid), $"process {pid} should be running before the cancellation"));
        Assert.False(run.IsCompleted);

        cancellation.Cancel();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cancellation.Token, error.CancellationToken);
        Assert.True(await Eventually.HoldsAsync(() => pids.All(pid => !IsAlive(pid))), $"still alive: {string.Join(", ", pids.Where(IsAlive))}");
    }

    [Fact]
    public async Task A_timeout_on_the_run_clock_kills_the_tree_and_throws_TimeoutException()
    {
        var clock = new ManualTimeProvider();
        var run = ProcessActions.RunAsync(
            "/bin/sh",
            Contexts.For(new WorkflowOptions { FileRoot = _root.Path, TimeProvider = clock }),
            args: ["-c", "sleep 100 & echo $! >> pids; echo $$ >> pids; wait"],
            timeout: "1m30s");

        var pids = await ReadPidsAsync(2);
        await clock.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromSeconds(90), Assert.Single(clock.Pending()));
        clock.Advance(TimeSpan.FromSeconds(89));
        Assert.False(run.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => run);
        Assert.Contains("1m30s", error.Message);
        Assert.True(await Eventually.HoldsAsync(() => pids.All(pid => !IsAlive(pid))), $"still alive: {string.Join(", ", pids.Where(IsAlive))}");
    }

    [Fact]
    public async Task A_bad_timeout_is_a_clear_format_error()
    {
        var error = await Assert.ThrowsAsync<FormatException>(() => ProcessActions.RunAsync("true", Context, timeout: "5 minutes"));

        Assert.Contains("'5 minutes'", error.Message);
        Assert.Contains("timeout", error.Message);
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

                var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToArray();
                pids = lines.Select(int.Parse).ToArray();
                return pids.Length >= count;
            }),
            "the script did not start its processes");
        return pids;
    }

    /// <summary>Running (a zombie waiting to be reaped has already been killed, so it does not count).</summary>
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
