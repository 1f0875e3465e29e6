using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

public sealed class BuiltInWorkflowTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wf-builtins-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Built_in_actions_run_from_yaml_with_lists_mappings_and_secrets()
    {
        var observer = new MessageObserver();
        var options = new WorkflowOptions
        {
            FileRoot = _root,
            Secrets = new Secrets(new() { ["WF_TEST_GREETING"] = "bonjour" }),
            Observer = observer,
        };

        var outputs = await new BuiltInsWorkflow(options).RunAsync(new BuiltInsWorkflow.Inputs { Name = "ada" });

        Assert.Equal("hello ada", outputs.Content);
        Assert.Equal("hello ada", File.ReadAllText(Path.Combine(_root, "out", "hello.txt")));
        Assert.Equal("hello ada|bonjour", outputs.Echoed);
        Assert.Equal("deep", outputs.Deep);
        Assert.Contains("read hello ada", observer.Messages);
    }

    [Fact]
    public async Task A_secret_in_a_failure_never_reaches_the_exception_report_or_observer()
    {
        const string key = "sk-live-0123456789abcdef";
        var observer = new MessageObserver();
        var options = new WorkflowOptions { Secrets = new Secrets(new() { ["WF_TEST_KEY"] = key }), Observer = observer };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new LeakyWorkflow(options).RunWithReportAsync().AsTask());

        Assert.Equal("call", failure.StepId);
        Assert.DoesNotContain(key, failure.ToString());
        Assert.Contains("login refused for key ***", failure.Message);
        Assert.DoesNotContain(key, failure.Report!["call"].Exception!.ToString());
        Assert.All(observer.Failures, text => Assert.DoesNotContain(key, text));
        Assert.NotEmpty(observer.Failures);
    }

    [Fact]
    public async Task A_missing_secret_fails_the_step_and_names_the_secret()
    {
        var options = new WorkflowOptions { Secrets = new Secrets(new()) };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new LeakyWorkflow(options).RunAsync().AsTask());

        var missing = Assert.IsType<Runtime.WorkflowSecretNotFoundException>(failure.InnerException);
        Assert.Equal("WF_TEST_KEY", missing.SecretName);
    }

    private sealed class Secrets(Dictionary<string, string> values) : IWorkflowSecrets
    {
        public bool TryGetSecret(string name, [NotNullWhen(true)] out string? value) => values.TryGetValue(name, out value);
    }

    private sealed class MessageObserver : IWorkflowObserver
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ConcurrentQueue<string> Failures { get; } = new();

        public void StepMessage(string workflowName, string stepId, string message) => Messages.Enqueue(message);

        public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception) => Failures.Enqueue(exception.ToString());

        public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception) => Failures.Enqueue(exception.ToString());
    }
}
