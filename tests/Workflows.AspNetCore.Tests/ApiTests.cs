using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.AspNetCore.Tests;

/// <summary>Every route of the API on a TestServer: answers, status codes and problem documents.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    [Fact]
    public async Task Lists_the_workflows_with_description_durable_and_triggers()
    {
        var list = await _app.GetJsonAsync("/workflows-api/workflows");
        var greet = list.EnumerateArray().Single(w => w.GetProperty("name").GetString() == "greet");
        var ship = list.EnumerateArray().Single(w => w.GetProperty("name").GetString() == "ship");
        Assert.False(greet.GetProperty("durable").GetBoolean());
        Assert.True(ship.GetProperty("durable").GetBoolean());
        Assert.Equal("Greets someone through two parallel branches.", greet.GetProperty("description").GetString());
        Assert.Equal("schedule: 0 3 * * * (UTC)", ship.GetProperty("triggers")[0].GetString());
        Assert.Equal("/workflows-api/workflows/greet", greet.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Shows_a_workflow_with_typed_inputs_steps_levels_and_schedules()
    {
        var greet = await _app.GetJsonAsync("/workflows-api/workflows/greet");
        var inputs = greet.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.True(inputs["name"].GetProperty("required").GetBoolean());
        Assert.Equal("string", inputs["name"].GetProperty("jsonType").GetString());
        Assert.Equal("integer", inputs["times"].GetProperty("jsonType").GetString());
        Assert.Equal("1", inputs["times"].GetProperty("default").GetString());
        Assert.Equal("boolean", inputs["loud"].GetProperty("jsonType").GetString());
        var levels = greet.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("level").GetInt32());
        Assert.Equal(new[] { 0, 1, 1, 2 }, new[] { levels["hello"], levels["left"], levels["right"], levels["join"] });
        Assert.Equal(3, greet.GetProperty("batches").GetArrayLength());
        Assert.Equal("message", greet.GetProperty("outputs")[0].GetProperty("name").GetString());

        var ship = await _app.GetJsonAsync("/workflows-api/workflows/ship");
        Assert.Equal(JsonValueKind.String, ship.GetProperty("schedules")[0].GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task An_unknown_workflow_is_404_naming_the_known_ones()
    {
        var problem = await ProblemAsync(await _app.Client.GetAsync("/workflows-api/workflows/nope"), HttpStatusCode.NotFound);
        Assert.Contains("No workflow 'nope'. Known: approve, greet, ship.", problem.GetProperty("detail").GetString());
        await ProblemAsync(await _app.PostJsonAsync("/workflows-api/workflows/nope/runs", "{}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Starting_a_run_answers_201_with_its_url_and_the_run_succeeds()
    {
        using var response = await _app.PostJsonAsync("/workflows-api/workflows/greet/runs", """{"name":"Ada","times":2}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var runId = created.GetProperty("runId").GetString()!;
        Assert.Equal("/workflows-api/runs/" + runId, response.Headers.Location?.OriginalString);
        Assert.Equal(response.Headers.Location!.OriginalString, created.GetProperty("url").GetString());

        var run = await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "succeeded", "succeeded");
        Assert.Equal("Hello Ada x2", run.GetProperty("outputs").GetProperty("message").GetString());
        Assert.Equal(4, run.GetProperty("progress").GetProperty("done").GetInt32());
        Assert.Equal(100, run.GetProperty("progress").GetProperty("percent").GetDouble());
        Assert.All(run.GetProperty("steps").EnumerateArray(), s =>
        {
            Assert.Equal("succeeded", s.GetProperty("status").GetString());
            Assert.Equal(1, s.GetProperty("attempts").GetInt32());
            Assert.Equal(JsonValueKind.String, s.GetProperty("startedAt").ValueKind);
            Assert.Equal(JsonValueKind.String, s.GetProperty("completedAt").ValueKind);
        });
        Assert.False(run.GetProperty("durable").GetBoolean());
        Assert.Contains(run.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "step-succeeded" && e.GetProperty("stepId").GetString() == "join");
    }

    [Fact]
    public async Task Wait_true_answers_with_the_outputs()
    {
        using var response = await _app.PostJsonAsync("/workflows-api/workflows/greet/runs?wait=true", """{"name":"Bo"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", created.GetProperty("status").GetString());
        Assert.Equal("Hello Bo x1", created.GetProperty("outputs").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Bad_inputs_are_400_naming_each_field_and_nothing_starts()
    {
        using var response = await _app.PostJsonAsync("/workflows-api/workflows/greet/runs", """{"times":"three","loud":1,"colour":"red"}""");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("is required", errors.GetProperty("name")[0].GetString());
        Assert.Contains("give an integer, not a string", errors.GetProperty("times")[0].GetString());
        Assert.Contains("give a boolean, not a number", errors.GetProperty("loud")[0].GetString());
        Assert.Contains("has no input 'colour'", errors.GetProperty("colour")[0].GetString());
        Assert.Equal(4, errors.EnumerateObject().Count());

        // A value the typed reader refuses (2.5 is no int) is named too.
        var fraction = await ProblemAsync(await _app.PostJsonAsync("/workflows-api/workflows/greet/runs", """{"name":"x","times":2.5}"""), HttpStatusCode.BadRequest);
        Assert.True(fraction.GetProperty("errors").TryGetProperty("times", out _));

        Assert.Empty(_app.Actions.Calls);
        Assert.Equal(0, (await _app.GetJsonAsync("/workflows-api/runs")).GetArrayLength());
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "JSON array")]
    public async Task A_body_that_is_not_a_json_object_is_400(string body, string expected)
    {
        var problem = await ProblemAsync(await _app.PostJsonAsync("/workflows-api/workflows/greet/runs", body), HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var huge = "{\"name\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";
        await ProblemAsync(await _app.PostJsonAsync("/workflows-api/workflows/greet/runs", huge), HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(_app.Actions.Calls);
    }

    [Fact]
    public async Task Lists_runs_newest_first_with_filters_and_refuses_a_bad_status()
    {
        var first = await _app.StartRunAsync("greet", """{"name":"a"}""");
        await _app.WaitForRunAsync(first, r => TestApp.Status(r) == "succeeded", "succeeded");
        var second = await _app.StartRunAsync("ship", """{"order":"o-1"}""");
        await _app.WaitForRunAsync(second, r => TestApp.Status(r) == "succeeded", "succeeded");

        var all = await _app.GetJsonAsync("/workflows-api/runs");
        Assert.Equal(new[] { second, first }, all.EnumerateArray().Select(r => r.GetProperty("runId").GetString()).ToArray());
        Assert.True(all[0].GetProperty("durable").GetBoolean());

        var greets = await _app.GetJsonAsync("/workflows-api/runs?workflow=greet&status=succeeded");
        Assert.Equal(first, Assert.Single(greets.EnumerateArray()).GetProperty("runId").GetString());
        Assert.Equal(1, (await _app.GetJsonAsync("/workflows-api/runs?limit=1")).GetArrayLength());
        Assert.Equal(0, (await _app.GetJsonAsync("/workflows-api/runs?status=failed")).GetArrayLength());

        var problem = await ProblemAsync(await _app.Client.GetAsync("/workflows-api/runs?status=done&limit=0"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task An_unknown_run_is_404_for_every_route()
    {
        await ProblemAsync(await _app.Client.GetAsync("/workflows-api/runs/nope"), HttpStatusCode.NotFound);
        await ProblemAsync(await _app.Client.GetAsync("/workflows-api/runs/nope/events"), HttpStatusCode.NotFound);
        foreach (var verb in new[] { "pause", "resume", "cancel", "retry" })
        {
            await ProblemAsync(await _app.Client.PostAsync("/workflows-api/runs/nope/" + verb, null), HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task A_run_that_is_not_durable_can_be_cancelled_but_not_paused_and_not_cancelled_twice()
    {
        var gate = _app.Actions.Hold("left");
        var runId = await _app.StartRunAsync("greet", """{"name":"c"}""");
        await _app.EnteredAsync(gate, runId);

        var running = await _app.GetJsonAsync("/workflows-api/runs/" + runId);
        Assert.Equal("running", TestApp.Status(running));
        Assert.Contains("left", running.GetProperty("runningSteps").EnumerateArray().Select(s => s.GetString()));

        var paused = await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/pause", null), HttpStatusCode.Conflict);
        Assert.Contains("not durable", paused.GetProperty("detail").GetString());

        using var cancel = await _app.Client.PostAsync($"/workflows-api/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "cancelled", "cancelled");
        Assert.Equal("waiting", TestApp.StepStatus(cancelled, "join"));

        var again = await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/cancel", null), HttpStatusCode.Conflict);
        Assert.Contains("is cancelled", again.GetProperty("detail").GetString());
        await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/retry", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_durable_run_pauses_resumes_and_finishes_in_the_store()
    {
        var gate = _app.Actions.Hold("label");
        var runId = await _app.StartRunAsync("ship", """{"order":"p-1"}""");
        await _app.EnteredAsync(gate, runId);

        using (var pause = await _app.Client.PostAsync($"/workflows-api/runs/{runId}/pause", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        }

        // The running process notices the pause within its control interval (1 s); then the held step may finish.
        await _app.WaitForRunAsync(runId, r => r.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "pausing"), "the pause noticed");
        gate.Release();
        var paused = await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "paused" && TestApp.StepStatus(r, "label") == "succeeded" && r.GetProperty("runningSteps").GetArrayLength() == 0, "paused");
        Assert.True(TestApp.StepStatus(paused, "send") == "waiting", paused.ToString());
        Assert.Equal("a resume", paused.GetProperty("waitingFor").GetString());
        Assert.False(_app.Actions.Calls.ContainsKey("send"));

        var again = await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/pause", null), HttpStatusCode.Conflict);
        Assert.Contains("is paused", again.GetProperty("detail").GetString());

        using (var resume = await _app.Client.PostAsync($"/workflows-api/runs/{runId}/resume", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        }

        var done = await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "succeeded", "succeeded");
        Assert.Equal("label-p-1", done.GetProperty("outputs").GetProperty("label").GetString());
        Assert.Equal(1, _app.Actions.Calls["pack"]); // the completed steps were not run again
        await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/resume", null), HttpStatusCode.Conflict);
        await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/cancel", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_signal_is_checked_against_its_step_delivered_once_and_the_run_finishes_with_its_payload()
    {
        var shipping = _app.Actions.Hold("ship"); // the run cannot finish before the resend below
        var runId = await _app.StartRunAsync("approve", "{}");
        var url = $"/workflows-api/runs/{runId}/signals/";

        var unknown = await ProblemAsync(await _app.Client.PostAsync(url + "nope", JsonContent("{}")), HttpStatusCode.NotFound);
        Assert.Contains("has no signal 'nope'; its signals: manager-approval", unknown.GetProperty("detail").GetString());
        var wrong = await ProblemAsync(await _app.Client.PostAsync(url + "manager-approval", JsonContent("""{"Approved":"yes","By":"ann"}""")), HttpStatusCode.BadRequest);
        Assert.True(wrong.GetProperty("errors").TryGetProperty("payload", out _), wrong.ToString());

        using (var sent = await _app.Client.PostAsync(url + "manager-approval?signalId=s-1", JsonContent("""{"Approved":true,"By":"ann"}""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        using (var again = await _app.Client.PostAsync(url + "manager-approval?signalId=s-1", JsonContent("""{"Approved":false,"By":"bob"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the same signal id: stored once, nothing changes
        }

        shipping.Release();

        var done = await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "succeeded", "succeeded");
        Assert.Equal("ann", done.GetProperty("outputs").GetProperty("by").GetString());
        var finished = await ProblemAsync(await _app.Client.PostAsync(url + "manager-approval", JsonContent("""{"Approved":true,"By":"cy"}""")), HttpStatusCode.Conflict);
        Assert.Contains("has finished", finished.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_run_held_back_by_its_limits_says_what_it_waits_for()
    {
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<WorkflowOptions>(_app.App.Services).Store!;
        await store.StartRunAsync(new Workflows.Durability.NewRun("held", "ship", "hash", "{\"order\":\"h-1\"}", DateTimeOffset.UtcNow)
        {
            Limits = new Workflows.Durability.RunLimits(1),
            ConcurrencyKey = "acme",
        }, "elsewhere", DateTimeOffset.UtcNow.AddHours(1));

        var run = await _app.GetJsonAsync("/workflows-api/runs/held");
        Assert.Equal("pending", run.GetProperty("status").GetString());
        Assert.Equal("a slot within the workflow's limits (concurrency key 'acme')", run.GetProperty("waitingFor").GetString());
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_durable_run_can_be_cancelled()
    {
        var gate = _app.Actions.Hold("pack");
        var runId = await _app.StartRunAsync("ship", """{"order":"c-1"}""");
        await _app.EnteredAsync(gate, runId);
        using (var cancel = await _app.Client.PostAsync($"/workflows-api/runs/{runId}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }

        var cancelled = await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "cancelled", "cancelled");
        Assert.True(cancelled.GetProperty("durable").GetBoolean());
        await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/cancel", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_failed_durable_run_masks_its_secret_in_every_response_and_retries_from_the_failed_step()
    {
        _app.Actions.RefuseSend = true;
        using var response = await _app.PostJsonAsync("/workflows-api/workflows/ship/runs?wait=true", """{"order":"f-1"}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonDocument.Parse(text).RootElement;
        Assert.Equal("failed", created.GetProperty("status").GetString());
        Assert.Contains("The carrier refused token ***.", created.GetProperty("error").GetString());
        var runId = created.GetProperty("runId").GetString()!;

        var bodies = new[]
        {
            text,
            await _app.Client.GetStringAsync("/workflows-api/runs/" + runId),
            await _app.Client.GetStringAsync("/workflows-api/runs"),
            await _app.Client.GetStringAsync("/workflows-api/runs/" + runId + "/events"),
        };
        foreach (var body in bodies)
        {
            Assert.DoesNotContain(TestApp.Secret, body, StringComparison.Ordinal);
            Assert.Contains("***", body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        }

        var failed = await _app.GetJsonAsync("/workflows-api/runs/" + runId);
        Assert.Equal("failed", TestApp.StepStatus(failed, "send"));

        _app.Actions.RefuseSend = false;
        using (var retry = await _app.Client.PostAsync($"/workflows-api/runs/{runId}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        }

        await _app.WaitForRunAsync(runId, r => TestApp.Status(r) == "succeeded", "succeeded");
        Assert.Equal(1, _app.Actions.Calls["pack"]);
        Assert.Equal(2, _app.Actions.Calls["send"]);
        var twice = await ProblemAsync(await _app.Client.PostAsync($"/workflows-api/runs/{runId}/retry", null), HttpStatusCode.Conflict);
        Assert.Contains("only failed or cancelled runs can be retried", twice.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Answers_and_problem_documents_need_no_json_metadata_from_the_app()
    {
        await using var app = await TestApp.StartAsync(noAppJsonMetadata: true);
        await ProblemAsync(await app.Client.GetAsync("/workflows-api/runs/nope"), HttpStatusCode.NotFound);
        var invalid = await ProblemAsync(await app.PostJsonAsync("/workflows-api/workflows/greet/runs", """{"times":"x"}"""), HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("times", out _));
        await ProblemAsync(await app.Client.GetAsync("/workflows-api/runs?status=nope"), HttpStatusCode.BadRequest);
        using var created = await app.PostJsonAsync("/workflows-api/workflows/greet/runs?wait=true", """{"name":"aot"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Hello aot x1", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outputs").GetProperty("message").GetString());
        Assert.Equal(1, (await app.GetJsonAsync("/workflows-api/runs")).GetArrayLength());
    }

    [Fact]
    public async Task Runs_in_memory_past_MaxRememberedRuns_are_forgotten_oldest_first_and_durable_ones_stay_in_the_store()
    {
        await using var app = await TestApp.StartAsync(options => options.MaxRememberedRuns = 1);
        var first = await app.StartRunAsync("greet", """{"name":"one"}""");
        await app.WaitForRunAsync(first, r => TestApp.Status(r) == "succeeded", "succeeded");
        var durable = await app.StartRunAsync("ship", """{"order":"kept"}""");
        await app.WaitForRunAsync(durable, r => TestApp.Status(r) == "succeeded", "succeeded");
        var second = await app.StartRunAsync("greet", """{"name":"two"}""");
        await app.WaitForRunAsync(second, r => TestApp.Status(r) == "succeeded", "succeeded");

        await ProblemAsync(await app.Client.GetAsync("/workflows-api/runs/" + first), HttpStatusCode.NotFound);
        Assert.Equal("succeeded", TestApp.Status(await app.GetJsonAsync("/workflows-api/runs/" + durable)));
        var ids = (await app.GetJsonAsync("/workflows-api/runs")).EnumerateArray().Select(r => r.GetProperty("runId").GetString()).ToArray();
        Assert.Equal(new[] { second, durable }, ids);
    }
}
