using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Hosting;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// What tools call through a generated registration: inputs given as text or JSON read into the typed record (and
/// refused before anything runs), outputs as JSON, durable runs started with an id and continued by it.
/// </summary>
public sealed class HostInvocationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-host-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class Services(params object[] services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    private static WorkflowInputValues Text(params (string Name, string Value)[] values)
        => new(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));

    private static async Task<JsonElement> InvokeAsync(WorkflowRegistration registration, WorkflowInputValues values, string? runId = null, params object[] services)
    {
        var workflow = registration.Create(new Services(services));
        var json = await registration.InvokeAsync!(workflow, values, runId, CancellationToken.None);
        return JsonDocument.Parse(json!).RootElement;
    }

    [Fact]
    public async Task Text_inputs_are_read_into_the_typed_record_and_outputs_come_back_as_json()
    {
        var outputs = await InvokeAsync(PricingWorkflow.Registration, Text(("base", "3")));

        // left = 3 + 1, right = default extra 5 + 2
        Assert.Equal(11, outputs.GetProperty("total").GetInt32());
        Assert.Equal("total 11 from 4 and 7", outputs.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Json_inputs_are_read_and_text_wins_over_them()
    {
        using var file = JsonDocument.Parse("""{ "base": 10, "extra": 20 }""");

        var outputs = await InvokeAsync(PricingWorkflow.Registration, new WorkflowInputValues(new[] { KeyValuePair.Create("extra", "1") }, file.RootElement));

        Assert.Equal(11 + 3, outputs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_unknown_input_is_refused_with_the_known_ones_and_nothing_runs()
    {
        var probe = new Probe();
        var workflow = FulfilOrdersWorkflow.Registration.Create(new Services(probe, new Items()));

        var failure = await Assert.ThrowsAsync<WorkflowInputException>(() => FulfilOrdersWorkflow.Registration.InvokeAsync!(workflow, Text(("order", "x")), null, CancellationToken.None));

        Assert.Equal("order", failure.InputName);
        Assert.Contains("has no input 'order'", failure.Message);
        Assert.Contains("orders", failure.Message);
        Assert.Empty(probe.Started);
    }

    [Fact]
    public async Task A_missing_required_input_and_a_value_of_the_wrong_type_are_named()
    {
        var missing = await Assert.ThrowsAsync<WorkflowInputException>(() => InvokeAsync(DurableOrdersWorkflow.Registration, Text(("order_id", "o-1")), null, new DurableActions()));
        var wrong = await Assert.ThrowsAsync<WorkflowInputException>(() => InvokeAsync(PricingWorkflow.Registration, Text(("base", "three"))));

        Assert.Equal("items", missing.InputName);
        Assert.Contains("needs input 'items'", missing.Message);
        Assert.Equal("base", wrong.InputName);
        Assert.Contains("Int32", wrong.Message);
        Assert.Contains("three", wrong.Message);
    }

    [Fact]
    public async Task A_durable_workflow_runs_as_the_given_id_and_continues_by_it()
    {
        var store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
        var actions = new DurableActions();
        var options = new WorkflowOptions { Store = store };
        var registration = DurableOrdersWorkflow.Registration;

        var outputs = await InvokeAsync(registration, Text(("order_id", "o-7"), ("items", """["a","b"]""")), "cli-1", actions, options);

        Assert.Equal(32m, outputs.GetProperty("total").GetDecimal());
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync("cli-1"))!.Status);

        // Continuing a finished run returns what it recorded and runs nothing again.
        var workflow = registration.Create(new Services(actions, options));
        var again = await registration.ResumeAsync!(workflow, "cli-1", CancellationToken.None);
        Assert.Equal(32m, JsonDocument.Parse(again!).RootElement.GetProperty("total").GetDecimal());
        Assert.Equal(1, actions.Calls["load"]);

        await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => registration.ResumeAsync!(workflow, "no-such-run", CancellationToken.None));
        Assert.Null(await store.GetRunAsync("no-such-run"));
    }

    [Fact]
    public async Task A_failed_run_retried_continues_by_its_id_with_its_stored_inputs()
    {
        var store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
        var options = new WorkflowOptions { Store = store };
        var registration = DurableOrdersWorkflow.Registration;
        var first = new DurableActions
        {
            Before = (name, _) => name == "book" ? throw new InvalidOperationException("carrier down") : Task.CompletedTask,
        };

        await Assert.ThrowsAsync<WorkflowFailedException>(() => InvokeAsync(registration, Text(("order_id", "o-9"), ("items", """["x"]""")), "cli-2", first, options));
        Assert.Equal(RunStatus.Failed, (await store.GetRunAsync("cli-2"))!.Status);
        Assert.True(await new WorkflowRuns(store).RetryAsync("cli-2"));

        var second = new DurableActions();
        var workflow = registration.Create(new Services(second, options));
        var outputs = JsonDocument.Parse((await registration.ResumeAsync!(workflow, "cli-2", CancellationToken.None))!).RootElement;

        Assert.Equal("TRK-o-9-True", outputs.GetProperty("tracking").GetString());
        Assert.False(second.Calls.ContainsKey("load")); // completed before the failure
        Assert.Equal(1, second.Calls["book"]);
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync("cli-2"))!.Status);
    }

    [Fact]
    public void Input_defaults_are_shown_as_written_in_the_file_not_as_csharp()
    {
        // decimal 'minimum: 0' is 0M in the generated record, and a string default is a quoted C# literal there.
        Assert.Equal("0", OrderFulfillmentWorkflow.Registration.Inputs.Single(i => i.Name == "minimum").DefaultValue);
        Assert.Equal("nightly", ScheduledReportWorkflow.Registration.Inputs.Single(i => i.Name == "title").DefaultValue);
        Assert.Null(PricingWorkflow.Registration.Inputs.Single(i => i.Name == "base").DefaultValue);
    }

    [Fact]
    public void The_registration_describes_inputs_outputs_and_the_definition_in_yaml_and_json()
    {
        var registration = PricingWorkflow.Registration;

        Assert.Equal(new[] { "base", "extra" }, registration.Inputs.Select(i => i.Name));
        Assert.Equal(new[] { "int", "int" }, registration.Inputs.Select(i => i.Type));
        Assert.Equal("5", registration.Inputs[1].DefaultValue);
        Assert.Equal(new[] { "total", "json", "label" }, registration.Outputs.Select(o => o.Name));
        Assert.StartsWith("# Two independent computations joined", registration.Definition);
        Assert.Equal(PricingWorkflow.Mermaid, registration.Mermaid);

        var json = JsonDocument.Parse(registration.DefinitionJson!).RootElement;
        Assert.Equal("pricing", json.GetProperty("name").GetString());
        Assert.Equal(5, json.GetProperty("inputs").GetProperty("extra").GetProperty("default").GetInt32());
        Assert.Equal("int", json.GetProperty("inputs").GetProperty("base").GetString());
        Assert.Equal(new[] { "left", "right", "sum" }, json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal("${{ inputs.base }}", json.GetProperty("steps")[0].GetProperty("with").GetProperty("left").GetString());
        Assert.Equal(1, json.GetProperty("steps")[0].GetProperty("with").GetProperty("right").GetInt32());
    }
}
