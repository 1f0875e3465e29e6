using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace Workflows.Benchmarks;

/// <summary>
/// What a run pays for what it does not use, and for being watched: the 10-step synchronous chain plain, with a
/// <c>json_context</c> but no store (must cost the same), and observed by an observer, a progress sink or a logger
/// (each a no-op, so the figure is the workflow's own cost of telling them). Per step = (observed − plain) / 10.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RunTimeConfig))]
public class ObservedBenchmarks
{
    private ChainWorkflow _plain = null!;
    private ChainJsonWorkflow _json = null!;
    private ChainWorkflow _observer = null!;
    private ChainWorkflow _progress = null!;
    private ChainWorkflow _logger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new ChainWorkflow();
        _json = new ChainJsonWorkflow();
        _observer = new ChainWorkflow(new WorkflowOptions { Observer = new NoopObserver() });
        _progress = new ChainWorkflow(new WorkflowOptions { Progress = new NoopProgress() });
        _logger = new ChainWorkflow(new WorkflowOptions { Logger = new NoopLogger() });
    }

    [Benchmark(Baseline = true, Description = "plain")]
    public ValueTask Plain() => _plain.RunAsync();

    [Benchmark(Description = "json_context, no store")]
    public ValueTask JsonContext() => _json.RunAsync();

    [Benchmark(Description = "observer")]
    public ValueTask Observer() => _observer.RunAsync();

    [Benchmark(Description = "progress")]
    public ValueTask Progress() => _progress.RunAsync();

    [Benchmark(Description = "logger (Information enabled)")]
    public ValueTask Logger() => _logger.RunAsync();

    private sealed class NoopObserver : IWorkflowObserver
    {
    }

    private sealed class NoopProgress : IProgress<WorkflowProgress>
    {
        public void Report(WorkflowProgress value)
        {
        }
    }

    /// <summary>Enabled for everything, writes nothing: the cost is the workflow's (messages, state), not a sink's.</summary>
    private sealed class NoopLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
