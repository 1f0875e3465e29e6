using System;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class InfoCommandTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Cli _cli = new();

    private static WorkflowRegistration[] Workflows() =>
    [
        Registrations.Greet(),
        Registrations.Create("nightly", durable: true, description: "Cleans up.", schedules: [Registrations.Schedule("nightly", "0 3 * * *"), Registrations.Schedule("nightly", "30 6 * * 1", "Europe/Paris")], steps: ["scan", "purge", "report"]),
    ];

    private void FixedClock(WorkflowCommandLineOptions options) => options.Options = new WorkflowOptions { TimeProvider = new FixedTimeProvider(s_now) };

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task List_shows_a_table_of_the_workflows_and_creates_no_database()
    {
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "list"));

        var lines = _cli.OutText.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^NAME\s+STEPS\s+DURABLE\s+TRIGGERS\s+DESCRIPTION$", lines[0]);
        Assert.Matches(@"^greet\s+2\s+no\s+manual\s+Says hello\.$", lines[1]);
        Assert.Matches(@"^nightly\s+3\s+yes\s+0 3 \* \* \* \(UTC\); 30 6 \* \* 1 \(Europe/Paris\)\s+Cleans up\.$", lines[2]);
        Assert.False(File.Exists(_cli.StorePath));
    }

    [Fact]
    public async Task List_json_is_an_array_with_schedules_and_next_occurrences()
    {
        Assert.Equal(0, await _cli.RunAsync(Workflows(), FixedClock, default, "list", "--json"));

        using var document = JsonDocument.Parse(_cli.OutText);
        var items = document.RootElement;
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal("greet", items[0].GetProperty("name").GetString());
        Assert.False(items[0].GetProperty("durable").GetBoolean());
        Assert.Equal(0, items[0].GetProperty("schedules").GetArrayLength());
        var schedule = items[1].GetProperty("schedules")[0];
        Assert.Equal("0 3 * * *", schedule.GetProperty("cron").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.Zero), schedule.GetProperty("next").GetDateTimeOffset());
        Assert.False(File.Exists(_cli.StorePath));
    }

    [Fact]
    public async Task Show_prints_inputs_outputs_steps_batches_schedules_and_the_flowchart()
    {
        var greet = Registrations.Greet();
        var nightly = Registrations.Create("nightly", schedules: [Registrations.Schedule("nightly", "0 3 * * *"), Registrations.Schedule("nightly", "30 6 * * 1", "Europe/Paris")], steps: ["scan", "purge"]);
        Assert.Equal(0, await _cli.RunAsync([greet, nightly], FixedClock, default, "show", "greet"));

        var text = _cli.OutText;
        Assert.Contains("name:        greet", text);
        Assert.Contains("description: Says hello.", text);
        Assert.Contains("source:      greet.workflow.yaml", text);
        Assert.Contains("durable:     no", text);
        Assert.Contains("  name (string, required) - Who to greet.", text);
        Assert.Contains("  count (int, default 1)", text);
        Assert.Contains("  message (string)", text);
        Assert.Matches(@"(?m)^  bye\s+test\.bye\s+after hello\r?$", text);
        Assert.Contains("  1: hello", text);
        Assert.Contains("  2: bye", text);
        Assert.Contains("(none: manual)", text);
        Assert.Contains("```mermaid" + Environment.NewLine + "flowchart TD\n  hello --> bye" + Environment.NewLine + "```", text);

        Assert.Equal(0, await _cli.RunAsync([greet, nightly], FixedClock, default, "show", "nightly"));
        Assert.Contains("0 3 * * * (UTC)  next 2026-01-01 03:00 +00:00", _cli.OutText);
        // Monday 2026-01-05 06:30 in Paris (UTC+1 in winter).
        Assert.Contains("30 6 * * 1 (Europe/Paris)  next 2026-01-05 06:30 +01:00", _cli.OutText);
        Assert.False(File.Exists(_cli.StorePath));
    }

    [Fact]
    public async Task Show_json_parses_and_carries_everything()
    {
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "show", "greet", "--json"));

        using var document = JsonDocument.Parse(_cli.OutText);
        var root = document.RootElement;
        Assert.Equal("greet", root.GetProperty("name").GetString());
        Assert.True(root.GetProperty("inputs")[0].GetProperty("required").GetBoolean());
        Assert.Equal("1", root.GetProperty("inputs")[1].GetProperty("default").GetString());
        Assert.Equal("int", root.GetProperty("outputs")[1].GetProperty("type").GetString());
        Assert.Equal("hello", root.GetProperty("steps")[1].GetProperty("dependsOn")[0].GetString());
        Assert.Equal(2, root.GetProperty("batches").GetArrayLength());
        Assert.StartsWith("flowchart", root.GetProperty("mermaid").GetString());
    }

    [Fact]
    public async Task Show_of_an_unknown_workflow_is_a_usage_error_naming_the_known_ones()
    {
        Assert.Equal(2, await _cli.RunAsync(Workflows(), "show", "nope"));
        Assert.Contains("No workflow 'nope'. Known: greet, nightly. Run 'list' to see them.", _cli.ErrorText);
        Assert.Equal(string.Empty, _cli.OutText);
    }

    [Fact]
    public async Task Export_prints_the_yaml_by_default_and_the_json_on_request()
    {
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "export", "greet"));
        Assert.Equal("name: greet\nsteps:\n  - id: hello\n", _cli.OutText);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "export", "greet", "--format", "json"));
        using var document = JsonDocument.Parse(_cli.OutText);
        Assert.Equal("greet", document.RootElement.GetProperty("name").GetString());
        Assert.False(File.Exists(_cli.StorePath));
    }

    [Fact]
    public async Task Export_refuses_a_workflow_without_definition_and_rejects_an_unknown_format()
    {
        Assert.Equal(1, await _cli.RunAsync(Workflows(), "export", "nightly"));
        Assert.Contains("Workflow 'nightly' carries no definition", _cli.ErrorText);

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "export", "greet", "--format", "xml"));
        Assert.Contains("xml", _cli.ErrorText);
    }

    [Fact]
    public async Task Parse_errors_are_usage_errors()
    {
        Assert.Equal(2, await _cli.RunAsync(Workflows(), "frobnicate"));
        Assert.Contains("error:", _cli.ErrorText);
        Assert.Contains("--help", _cli.ErrorText);

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "show"));
        Assert.Equal(2, await _cli.RunAsync(Workflows()));
    }

    [Fact]
    public async Task Help_goes_to_out_and_lists_the_commands()
    {
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "--help"));
        foreach (var command in new[] { "list", "show", "run", "runs", "status", "cancel", "pause", "resume", "retry", "export", "serve" })
        {
            Assert.Contains("  " + command + " ", _cli.OutText);
        }
    }

    [Fact]
    public async Task The_app_adds_its_own_commands()
    {
        var hello = new Command("hello", "Says hello.");
        hello.SetAction(_ => 7);
        Assert.Equal(7, await _cli.RunAsync(Workflows(), options => options.Commands.Add(hello), default, "hello"));
    }
}
