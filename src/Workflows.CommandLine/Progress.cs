using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace Workflows.CommandLine;

/// <summary>Forwards every event to two observers.</summary>
internal sealed class CompositeObserver : IWorkflowObserver
{
    private readonly IWorkflowObserver _first;
    private readonly IWorkflowObserver _second;

    private CompositeObserver(IWorkflowObserver first, IWorkflowObserver second)
    {
        _first = first;
        _second = second;
    }

    public static IWorkflowObserver? Combine(IWorkflowObserver? first, IWorkflowObserver? second)
        => first is null ? second : second is null ? first : new CompositeObserver(first, second);

    public void WorkflowStarted(string workflowName)
    {
        _first.WorkflowStarted(workflowName);
        _second.WorkflowStarted(workflowName);
    }

    public void WorkflowCompleted(string workflowName, TimeSpan duration)
    {
        _first.WorkflowCompleted(workflowName, duration);
        _second.WorkflowCompleted(workflowName, duration);
    }

    public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception)
    {
        _first.WorkflowFailed(workflowName, duration, exception);
        _second.WorkflowFailed(workflowName, duration, exception);
    }

    public void WorkflowCancelled(string workflowName, TimeSpan duration)
    {
        _first.WorkflowCancelled(workflowName, duration);
        _second.WorkflowCancelled(workflowName, duration);
    }

    public void StepStarted(string workflowName, string stepId)
    {
        _first.StepStarted(workflowName, stepId);
        _second.StepStarted(workflowName, stepId);
    }

    public void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
    {
        _first.StepCompleted(workflowName, stepId, attempts, duration);
        _second.StepCompleted(workflowName, stepId, attempts, duration);
    }

    public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
    {
        _first.StepFailed(workflowName, stepId, attempts, duration, exception);
        _second.StepFailed(workflowName, stepId, attempts, duration, exception);
    }

    public void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception)
    {
        _first.StepRetrying(workflowName, stepId, attempt, delay, exception);
        _second.StepRetrying(workflowName, stepId, attempt, delay, exception);
    }

    public void StepSkipped(string workflowName, string stepId)
    {
        _first.StepSkipped(workflowName, stepId);
        _second.StepSkipped(workflowName, stepId);
    }

    public void StepCompensated(string workflowName, string stepId)
    {
        _first.StepCompensated(workflowName, stepId);
        _second.StepCompensated(workflowName, stepId);
    }

    public void StepMessage(string workflowName, string stepId, string message)
    {
        _first.StepMessage(workflowName, stepId, message);
        _second.StepMessage(workflowName, stepId, message);
    }
}

/// <summary>The progress of one run, for <c>run</c>, <c>resume</c> and <c>retry</c>; disposed when the run ends.</summary>
internal abstract class ProgressObserver : IWorkflowObserver, IDisposable
{
    private readonly string _workflowName;

    protected ProgressObserver(string workflowName) => _workflowName = workflowName;

    /// <summary>Chooses a live line for an interactive console, else one line per event.</summary>
    public static ProgressObserver Create(TextWriter error, string workflowName, int stepCount)
        => IsInteractive(error) ? new LiveProgress(error, workflowName, stepCount) : new LineProgress(error, workflowName);

    private static bool IsInteractive(TextWriter error)
    {
        try
        {
            return ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        }
#pragma warning disable CA1031 // No console to ask: not interactive.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The step's name as shown: qualified by its workflow when it is a sub-workflow's.</summary>
    protected string Label(string workflowName, string stepId) => workflowName == _workflowName ? stepId : workflowName + "/" + stepId;

    protected bool IsTop(string workflowName) => workflowName == _workflowName;

    public abstract void StepStarted(string workflowName, string stepId);

    public abstract void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration);

    public abstract void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception);

    public abstract void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception);

    public abstract void StepSkipped(string workflowName, string stepId);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    protected static string Retrying(string label, int attempt, TimeSpan delay, Exception exception)
        => $"retry {label} attempt {Format.Number(attempt + 1)} in {Format.Duration(delay)}: {Format.OneLine(exception.Message)}";

    protected static string Failed(string label, int attempts, Exception exception)
        => $"failed {label} after {Format.Number(attempts)} attempt{(attempts == 1 ? "" : "s")}: {Format.OneLine(exception.Message)}";
}

/// <summary>One line per event: for logs, pipes and tests.</summary>
internal sealed class LineProgress : ProgressObserver
{
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public LineProgress(TextWriter writer, string workflowName)
        : base(workflowName) => _writer = writer;

    public override void StepStarted(string workflowName, string stepId) => Write("started " + Label(workflowName, stepId));

    public override void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
        => Write($"done {Label(workflowName, stepId)} ({Format.Milliseconds(duration)} ms)");

    public override void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
        => Write(Failed(Label(workflowName, stepId), attempts, exception));

    public override void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception)
        => Write(Retrying(Label(workflowName, stepId), attempt, delay, exception));

    public override void StepSkipped(string workflowName, string stepId) => Write("skipped " + Label(workflowName, stepId));

    private void Write(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }
}

/// <summary>A live line redrawn in place: a spinner, steps done and running, and the running steps' names.</summary>
internal sealed class LiveProgress : ProgressObserver
{
    private static readonly char[] s_spinner = { '|', '/', '-', '\\' };

    private readonly TextWriter _writer;
    private readonly int _total;
    private readonly object _gate = new();
    private readonly List<string> _running = new();
    private readonly Timer _timer;
    private int _done;
    private int _skipped;
    private int _failed;
    private int _frame;
    private int _drawn;
    private bool _disposed;

    public LiveProgress(TextWriter writer, string workflowName, int total)
        : base(workflowName)
    {
        _writer = writer;
        _total = total;
        _timer = new Timer(static state => ((LiveProgress)state!).Tick(), this, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(120));
    }

    public override void StepStarted(string workflowName, string stepId)
    {
        lock (_gate)
        {
            _running.Add(Label(workflowName, stepId));
            Draw();
        }
    }

    public override void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
    {
        lock (_gate)
        {
            _running.Remove(Label(workflowName, stepId));
            if (IsTop(workflowName))
            {
                _done++;
            }

            Draw();
        }
    }

    public override void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
    {
        lock (_gate)
        {
            var label = Label(workflowName, stepId);
            _running.Remove(label);
            if (IsTop(workflowName))
            {
                _failed++;
            }

            Permanent(Failed(label, attempts, exception));
        }
    }

    public override void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception)
    {
        lock (_gate)
        {
            Permanent(Retrying(Label(workflowName, stepId), attempt, delay, exception));
        }
    }

    public override void StepSkipped(string workflowName, string stepId)
    {
        lock (_gate)
        {
            if (IsTop(workflowName))
            {
                _skipped++;
            }

            Draw();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
            lock (_gate)
            {
                Clear();
                _disposed = true;
                _writer.Flush();
            }
        }

        base.Dispose(disposing);
    }

    private void Tick()
    {
        lock (_gate)
        {
            _frame++;
            Draw();
        }
    }

    private void Permanent(string line)
    {
        if (_disposed)
        {
            return;
        }

        Clear();
        _writer.WriteLine(line);
        Draw();
    }

    private void Clear()
    {
        if (_drawn > 0)
        {
            _writer.Write("\r" + new string(' ', Math.Min(_drawn + 2, Width())) + "\r"); // + 2: a ^C the terminal echoed after the line
            _drawn = 0;
        }
    }

    private void Draw()
    {
        if (_disposed)
        {
            return;
        }

        var line = new StringBuilder();
        line.Append(s_spinner[_frame % s_spinner.Length]).Append(' ')
            .Append(Format.Number(_done)).Append('/').Append(Format.Number(_total)).Append(" done, ")
            .Append(Format.Number(_running.Count)).Append(" running");
        if (_skipped > 0)
        {
            line.Append(", ").Append(Format.Number(_skipped)).Append(" skipped");
        }

        if (_failed > 0)
        {
            line.Append(", ").Append(Format.Number(_failed)).Append(" failed");
        }

        if (_running.Count > 0)
        {
            line.Append(": ").Append(string.Join(", ", _running));
        }

        var width = Width();
        var text = line.Length > width ? line.ToString(0, Math.Max(0, width - 3)) + "..." : line.ToString();
        var padding = _drawn > text.Length ? new string(' ', _drawn - text.Length) : string.Empty;
        _writer.Write("\r" + text + padding);
        _writer.Flush();
        _drawn = text.Length;
    }

    private static int Width()
    {
        try
        {
            var width = Console.WindowWidth;
            return width > 10 ? width - 1 : 79;
        }
#pragma warning disable CA1031 // No window to measure: a usual width.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 79;
        }
    }
}

/// <summary>For <c>serve</c>: one line when a run starts and when it ends.</summary>
internal sealed class ServeObserver : IWorkflowObserver
{
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public ServeObserver(TextWriter writer) => _writer = writer;

    public void WorkflowStarted(string workflowName) => Write($"started {workflowName}");

    public void WorkflowCompleted(string workflowName, TimeSpan duration) => Write($"succeeded {workflowName} ({Format.Duration(duration)})");

    public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception)
        => Write($"failed {workflowName} ({Format.Duration(duration)}): {Format.OneLine(exception.Message)}");

    public void WorkflowCancelled(string workflowName, TimeSpan duration) => Write($"cancelled {workflowName} ({Format.Duration(duration)})");

    private void Write(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(DateTimeOffset.Now.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " " + line);
            _writer.Flush();
        }
    }
}
