using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
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
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Runs a process to completion and captures its exit code, standard output and standard error. Standard
    /// input is empty. On cancellation or timeout the process and all its descendants are killed.
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
        bool allowFailure = false)
        => RunCoreAsync(command, context, args, workingDirectory, environment, timeout, shell, allowFailure);

    /// <summary>The same as <c>process.run</c> (see <see cref="RunAsync"/>), under the name <c>shell.execute</c>.</summary>
    /// <param name="command">The program, or with <paramref name="shell"/> the script.</param>
    /// <param name="context">The step.</param>
    /// <param name="args">Arguments, each passed as is; with a shell, <c>$1</c>, <c>$2</c>, ...</param>
    /// <param name="workingDirectory">The directory to run in, relative to the file root and inside it.</param>
    /// <param name="environment">Variables to set on top of the current environment.</param>
    /// <param name="timeout">A duration after which the process tree is killed.</param>
    /// <param name="shell">Null for no shell; <c>bash</c> or <c>sh</c>.</param>
    /// <param name="allowFailure">When true, a non-zero exit code does not fail the step.</param>
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
        bool allowFailure = false)
        => RunCoreAsync(command, context, args, workingDirectory, environment, timeout, shell, allowFailure);

    private static async Task<ProcessResult> RunCoreAsync(
        string command,
        StepContext context,
        IReadOnlyList<string>? args,
        string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        string? timeout,
        string? shell,
        bool allowFailure)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ArgumentException("'command' must not be empty.", nameof(command));
        }

        var limit = timeout is null ? (TimeSpan?)null : DurationParser.Parse(timeout, nameof(timeout));
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
            StandardOutputEncoding = s_utf8,
            StandardErrorEncoding = s_utf8,
            WorkingDirectory = directory,
        };

        if (shell is null)
        {
            startInfo.FileName = command;
        }
        else
        {
            startInfo.FileName = shell switch
            {
                "bash" => "bash",
                "sh" => "sh",
                _ => throw new ArgumentException($"'{shell}' is not a supported shell: use bash or sh, or leave 'shell' out to run the command without one.", nameof(shell)),
            };
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
        Task<string>? output = null;
        Task<string>? error = null;
        try
        {
            process.StandardInput.Close();
            output = process.StandardOutput.ReadToEndAsync(token);
            error = process.StandardError.ReadToEndAsync(token);
            await process.WaitForExitAsync(token).ConfigureAwait(false);
            var standardOutput = await output.ConfigureAwait(false);
            var standardError = await error.ConfigureAwait(false);
            var exitCode = process.ExitCode;
            if (exitCode != 0 && !allowFailure)
            {
                throw new ProcessFailedException(command, exitCode, standardOutput, standardError);
            }

            return new ProcessResult(exitCode, standardOutput, standardError);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            KillTree(process);
            Observe(output);
            Observe(error);
            if (context.CancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"'{command}' was cancelled; it and its child processes were killed.", null, context.CancellationToken);
            }

            throw new TimeoutException($"'{command}' did not finish within {timeout}; it and its child processes were killed.");
        }
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

    private static void Observe(Task? task)
        => task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
