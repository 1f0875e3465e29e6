using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Tests;

/// <summary>A secret echoed by a step is masked in everything a durable run stores (and so in what status prints).</summary>
public sealed class DurableSecretTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wf-durable-secret-").FullName;
    private readonly SqliteWorkflowStore _store;

    public DurableSecretTests() => _store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("tok-durable-0123456789")]
    [InlineData("tok-<esc>+&'0123456789")] // Characters System.Text.Json writes as \u003C, \u002B, ...
    public async Task A_secret_in_a_step_output_is_masked_in_the_stored_step_and_run_outputs(string token)
    {
        var options = new WorkflowOptions { Store = _store, Secrets = new Secrets(new() { ["WF_DURABLE_TOKEN"] = token }) };
        var runId = "secret-" + token.Length + token[4];

        var outputs = await new DurableSecretWorkflow(options).RunDurableAsync(new DurableSecretWorkflow.Inputs { Label = "build" }, runId);

        // The live outputs go to the caller as they are: the caller may need them.
        Assert.Equal("build token=" + token, outputs.Echoed);
        var run = await _store.GetRunAsync(runId);
        var step = (await _store.GetStepsAsync(runId)).Single(s => s.StepId == "echo");
        foreach (var stored in new[] { run!.OutputsJson!, step.OutputJson! })
        {
            Assert.DoesNotContain("0123456789", stored);
            Assert.Contains("build token=***", stored);
        }

        // Nor anywhere in the database's files (the database, its journal).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory))
        {
            Assert.DoesNotContain("0123456789", System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
        }
    }

    private sealed class Secrets(Dictionary<string, string> values) : IWorkflowSecrets
    {
        public bool TryGetSecret(string name, [NotNullWhen(true)] out string? value) => values.TryGetValue(name, out value);
    }
}
