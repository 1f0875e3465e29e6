using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Text;

namespace Workflows.BuiltIns;

/// <summary>
/// The built-in <c>process.run</c> action and its alias <c>shell.execute</c>. The command is started
/// directly, with each of <c>args</c> passed verbatim as one argument: no shell parses anything unless
/// <c>shell: bash</c> (or <c>sh</c>) is asked for.
/// </summary>
public static class ProcessActions
{
    /// <summary>
    /// Runs a process to completion and captures its exit code, standard output and standard error. Standard
    /// input is empty. On Linux the process starts in a session of its own (through <c>setsid</c>), and on
    /// cancellation or timeout its whole process group is killed, background jobs included; elsewhere its
    /// process tree is. Once the process exits, processes it left running in the background are not waited for:
    /// their output is read for at most two more seconds.
    /// </summary>
    /// <param name="command">
    /// The program (a name looked up on <c>PATH</c>, or a path). With <c>shell</c>, the script the shell runs.
    /// </param>
    /// <param name="context">The step.</param>
    /// <param name="args">
    /// Arguments, each passed as is (spaces, quotes and <c>$</c> included). With <c>shell</c>, they become the
    /// script's positional parameters <c>$1</c>, <c>$2</c>, ...: the safe way to hand values to a script.
    /// </param>
    /// <param name="workingDirectory">
    /// The directory to run in, relative to <see cref="WorkflowOptions.FileRoot"/> and inside it (like the
    /// file actions' paths); the file root itself by default.
    /// </param>
    /// <param name="environment">Variables to set (or override) on top of the current process's environment.</param>
    /// <param name="timeout">A duration (<c>30s</c>, <c>1m30s</c>); past it the process tree is killed and the step fails with <see cref="TimeoutException"/>.</param>
    /// <param name="shell">Null (the default) for no shell; <c>bash</c> or <c>sh</c> to run <paramref name="command"/> as a script with <c>-c</c>.</param>
    /// <param name="allowFailure">When true, a non-zero exit code is returned instead of failing the step.</param>
    /// <param name="maxOutputSize">
    /// How much of each of standard output and standard error is kept (<c>1MB</c> by default; <c>64KB</c>, <c>10MB</c>,
    /// or bytes): the first part of standard output, the last part of standard error, with a line saying what was cut.
    /// </param>
    /// <returns>The exit code and the captured output.</returns>
    [WorkflowAction("process.run", Description = "Runs a process (no shell unless asked for) and captures its exit code, stdout and stderr.")]
    public static Task<ProcessResult> RunAsync(
        string command,
        StepContext context,
        IReadOnlyList<string>? args = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? timeout = null,
        string? shell = null,
        bool allowFailure = false,
        string? maxOutputSize = null)
        => RunCoreAsync(command, context, args, workingDirectory, environment, timeout, shell, allowFailure, maxOutputSize);

    /// <summary>The same as <c>process.run</c> (see <see cref="RunAsync"/>), under the name <c>shell.execute</c>.</summary>
    /// <param name="command">The program, or with <paramref name="shell"/> the script.</param>
    /// <param name="context">The step.</param>
    /// <param name="args">Arguments, each passed as is; with a shell, <c>$1</c>, <c>$2</c>, ...</param>
    /// <param name="workingDirectory">The directory to run in, relative to the file root and inside it.</param>
    /// <param name="environment">Variables to set on top of the current environment.</param>
    /// <param name="timeout">A duration after which the process tree is killed.</param>
    /// <param name="shell">Null for no shell; <c>bash</c> or <c>sh</c>.</param>
    /// <param name="allowFailure">When true, a non-zero exit code does not fail the step.</param>
    /// <param name="maxOutputSize">How much of each output stream is kept (<c>1MB</c> by default).</param>
    /// <returns>The exit code and the captured output.</returns>
    [WorkflowAction("shell.execute", Description = "Alias of process.run.")]
    public static Task<ProcessResult> ExecuteAsync(
        string command,
        StepContext context,
        IReadOnlyList<string>? args = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? timeout = null,
        string? shell = null,
        bool allowFailure = false,
        string? maxOutputSize = null)
        => RunCoreAsync(command, context, args, workingDirectory, environment, timeout, shell, allowFailure, maxOutputSize);

    /// <summary>The part of each output stream kept when <c>max_output_size</c> is not given: 1 MB.</summary>
    public const long DefaultMaxOutputSize = 1L << 20;

    /// <summary>How long output is still read after the process exited, while processes it left behind hold its pipes.</summary>
    private static readonly TimeSpan s_drainAfterExit = TimeSpan.FromSeconds(2);

    private static readonly string? s_setsid = FindSetsid();

    private static async Task<ProcessResult> RunCoreAsync(
        string command,
        StepContext context,
        IReadOnlyList<string>? args,
        string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        string? timeout,
        string? shell,
        bool allowFailure,
        string? maxOutputSize)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ArgumentException("'command' must not be empty.", nameof(command));
        }

        var limit = timeout is null ? (TimeSpan?)null : DurationParser.Parse(timeout, nameof(timeout));
        var maxBytes = maxOutputSize is null ? DefaultMaxOutputSize : SizeParser.Parse(maxOutputSize, "max_output_size");
        var directory = SandboxedPath.Resolve(context.Options, workingDirectory ?? ".", nameof(workingDirectory));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The working directory '{workingDirectory}' does not exist (looked for '{directory}').");
        }

        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };

        var program = shell switch
        {
            null => command,
            "bash" => "bash",
            "sh" => "sh",
            _ => throw new ArgumentException($"'{shell}' is not a supported shell: use bash or sh, or leave 'shell' out to run the command without one.", nameof(shell)),
        };

        if (s_setsid is not null)
        {
            // setsid makes the program (same pid: it execs in place) the leader of a new session and process group,
            // which background jobs inherit: killing the group kills them too.
            startInfo.FileName = s_setsid;
            startInfo.ArgumentList.Add(ResolveProgram(program, command, shell));
        }
        else
        {
            startInfo.FileName = program;
        }

        if (shell is not null)
        {
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(command);
            startInfo.ArgumentList.Add(shell); // $0; args become $1, $2, ...
        }

        if (args is not null)
        {
            foreach (var argument in args)
            {
                startInfo.ArgumentList.Add(argument ?? string.Empty);
            }
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        using var timeoutSource = limit is { } span ? new CancellationTokenSource(span, context.TimeProvider) : null;
        using var linkedSource = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timeoutSource.Token);
        var token = linkedSource?.Token ?? context.CancellationToken;
        token.ThrowIfCancellationRequested();

        using var process = new Process { StartInfo = startInfo };
        process.Start();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(token);
        var output = CapturedOutput.ReadAsync(process.StandardOutput.BaseStream, maxBytes, keepEnd: false, stopReading.Token);
        var error = CapturedOutput.ReadAsync(process.StandardError.BaseStream, maxBytes, keepEnd: true, stopReading.Token);
        try
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync(token).ConfigureAwait(false);
            var drained = Task.WhenAll(output, error);
            try
            {
                // Its pipes close when it exits, unless something it started in the background still holds them.
                await drained.WaitAsync(s_drainAfterExit, token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                stopReading.Cancel();
                context.Log($"'{command}' exited, but processes it left running keep its output open; their output after {s_drainAfterExit.TotalSeconds:0}s is not captured.");
            }

            var standardOutput = await output.ConfigureAwait(false);
            var standardError = await error.ConfigureAwait(false);
            var exitCode = process.ExitCode;
            if (exitCode != 0 && !allowFailure)
            {
                throw new ProcessFailedException(command, exitCode, standardOutput.ToText(), standardError.ToText());
            }

            return new ProcessResult(exitCode, standardOutput.ToText(), standardError.ToText(), standardOutput.Truncated || standardError.Truncated);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            var killed = Kill(process);
            stopReading.Cancel();
            if (context.CancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"'{command}' was cancelled; {killed}.", null, context.CancellationToken);
            }

            throw new TimeoutException($"'{command}' did not finish within {timeout}; {killed}.");
        }
    }

    /// <summary>
    /// The program as setsid will execute it: an absolute path, found as <see cref="Process"/> would (a path as
    /// given, a name on <c>PATH</c>), so that a missing program fails to start here, as it does without setsid.
    /// </summary>
    private static string ResolveProgram(string program, string command, string? shell)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(program);
            return File.Exists(full) ? full : throw NotFound(command, shell, $"there is no file '{full}'");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Join(directory, program);
            if (File.Exists(candidate) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        throw NotFound(command, shell, $"there is no program '{program}' on PATH");
    }

    private static Win32Exception NotFound(string command, string? shell, string reason)
        => new(2, shell is null
            ? $"Cannot start '{command}': {reason}. Without 'shell', the command is one program, not a script: set shell: bash to run a script."
            : $"Cannot start the shell '{shell}': {reason}.");

    private static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Kills the process's group (or tree) and says what was killed, for the error message.</summary>
    private static string Kill(Process process)
    {
        var group = false;
        try
        {
            // Even when the leader has exited: the group outlives it while its background jobs run.
            group = s_setsid is not null && ProcessGroup.Kill(process.Id);
        }
        catch (InvalidOperationException)
        {
            // Not started.
        }

        KillTree(process);
        return group
            ? "it and every process of its process group were killed"
            : "it and its child processes were killed (background processes that outlived their parent may remain)";
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
        catch (Win32Exception)
        {
            // A process of the tree could not be killed (it exited, or is not ours); nothing more to do.
        }

        try
        {
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Not started or already gone.
        }
    }
}
