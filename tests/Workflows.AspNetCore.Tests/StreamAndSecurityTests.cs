using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Workflows.AspNetCore.Tests;

/// <summary>The event stream, the OpenAPI document, the dashboard's files, authorization policies and cross-site requests.</summary>
public sealed class StreamAndSecurityTests
{
    [Fact]
    public async Task The_event_stream_sends_the_run_as_it_changes_until_it_ends()
    {
        await using var app = await TestApp.StartAsync();
        var gate = app.Actions.Hold("left");
        var runId = await app.StartRunAsync("greet", """{"name":"sse"}""");
        await app.EnteredAsync(gate, runId);

        using var response = await app.Client.GetAsync($"/workflows-api/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await NextEventAsync(reader);
        Assert.Equal("run", first.Type);
        var running = JsonDocument.Parse(first.Data).RootElement;
        Assert.Equal("running", TestApp.Status(running));
        Assert.Equal("running", TestApp.StepStatus(running, "left"));
        Assert.Equal("waiting", TestApp.StepStatus(running, "join"));

        gate.Release();
        var events = new List<(string Type, string Data)>();
        while (true)
        {
            var next = await NextEventAsync(reader);
            events.Add(next);
            if (next.Type == "end")
            {
                break;
            }
        }

        Assert.Equal("succeeded", events[^1].Data);
        var last = JsonDocument.Parse(events[^2].Data).RootElement;
        Assert.Equal("succeeded", TestApp.Status(last));
        Assert.Equal("succeeded", TestApp.StepStatus(last, "join"));
        Assert.Equal(4, last.GetProperty("progress").GetProperty("done").GetInt32());
        Assert.Null(await reader.ReadLineAsync()); // the stream ends with the run
    }

    private static async Task<(string Type, string Data)> NextEventAsync(StreamReader reader)
    {
        string? type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line.Length == 0 && type is not null)
            {
                return (type, data.ToString());
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }

        throw new InvalidOperationException("The stream ended before the next event.");
    }

    [Fact]
    public async Task Policies_answer_401_without_a_user_and_403_to_a_reader_who_steers()
    {
        await using var app = await TestApp.StartAsync(options =>
        {
            options.ReadPolicy = "reader";
            options.SteeringPolicy = "operator";
        }, withAuth: true);

        using (var anonymous = await app.Client.GetAsync("/workflows-api/workflows"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var anonymousStart = await app.PostJsonAsync("/workflows-api/workflows/greet/runs", """{"name":"x"}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymousStart.StatusCode);
        }

        HttpRequestMessage As(HttpMethod method, string url, string? role)
        {
            var request = new HttpRequestMessage(method, url);
            request.Headers.Add("X-Test-User", "kim");
            if (role is not null)
            {
                request.Headers.Add("X-Test-Role", role);
            }

            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json");
            }

            return request;
        }

        using (var read = await app.Client.SendAsync(As(HttpMethod.Get, "/workflows-api/workflows", null)))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using (var steer = await app.Client.SendAsync(As(HttpMethod.Post, "/workflows-api/workflows/greet/runs", null)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, steer.StatusCode);
        }

        using (var pause = await app.Client.SendAsync(As(HttpMethod.Post, "/workflows-api/runs/any/pause", null)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
        }

        Assert.Empty(app.Actions.Calls);
        using (var start = await app.Client.SendAsync(As(HttpMethod.Post, "/workflows-api/workflows/greet/runs", "operator")))
        {
            Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        }
    }

    [Fact]
    public async Task The_returned_group_takes_RequireAuthorization_for_every_endpoint()
    {
        await using var app = await TestApp.StartAsync(withAuth: true, group: g => g.RequireAuthorization("reader"));
        using (var anonymous = await app.Client.GetAsync("/workflows-api/runs"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var anonymousCancel = await app.Client.PostAsync("/workflows-api/runs/any/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymousCancel.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/workflows-api/runs");
        request.Headers.Add("X-Test-User", "kim");
        using var signedIn = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("application/x-www-form-urlencoded", null, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/plain", null, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/form-data; boundary=x", null, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "https://evil.example", HttpStatusCode.Forbidden)]
    public async Task A_forged_cross_site_form_post_is_refused_and_starts_nothing(string contentType, string? origin, HttpStatusCode expected)
    {
        await using var app = await TestApp.StartAsync();
        foreach (var url in new[] { "/workflows-api/workflows/greet/runs", "/workflows-api/runs/any/cancel" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("name=x", Encoding.UTF8) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await app.Client.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/workflows-api/workflows/greet/runs") { Content = new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json") };
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using (var refused = await app.Client.SendAsync(crossSite))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Empty(app.Actions.Calls);
        Assert.Equal(0, (await app.GetJsonAsync("/workflows-api/runs")).GetArrayLength());

        // The dashboard's own request (same origin, JSON) passes.
        using var same = new HttpRequestMessage(HttpMethod.Post, "http://localhost/workflows-api/workflows/greet/runs") { Content = new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json") };
        same.Headers.Add("Origin", "http://localhost");
        same.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var accepted = await app.Client.SendAsync(same);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_has_each_workflows_own_inputs_and_outputs()
    {
        await using var app = await TestApp.StartAsync();
        var document = await app.GetJsonAsync("/openapi/v1.json");
        var start = document.GetProperty("paths").GetProperty("/workflows-api/workflows/greet/runs").GetProperty("post");
        Assert.Equal("start-greet", start.GetProperty("operationId").GetString());
        var schema = start.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        var properties = schema.GetProperty("properties");
        Assert.Equal(new[] { "name", "times", "loud" }, properties.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("string", properties.GetProperty("name").GetProperty("type").GetString());
        Assert.Equal("Who to greet", properties.GetProperty("name").GetProperty("description").GetString());
        Assert.Equal("integer", properties.GetProperty("times").GetProperty("type").GetString());
        Assert.Equal(1, properties.GetProperty("times").GetProperty("default").GetInt32());
        Assert.Equal("boolean", properties.GetProperty("loud").GetProperty("type").GetString());
        Assert.Equal(new[] { "name" }, schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToArray());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());

        var created = start.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("string", created.GetProperty("properties").GetProperty("outputs").GetProperty("properties").GetProperty("message").GetProperty("type").GetString());

        var ship = document.GetProperty("paths").GetProperty("/workflows-api/workflows/ship/runs").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        Assert.Equal("number", ship.GetProperty("weight").GetProperty("type").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/workflows-api/runs/{id}/pause", out _));
    }

    [Fact]
    public async Task The_dashboard_is_served_with_the_apis_prefix_and_a_strict_content_policy()
    {
        await using var app = await TestApp.StartAsync();
        using var page = await app.Client.GetAsync("/workflows");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"workflows-api\" content=\"/workflows-api\">", html);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());

        using var script = await app.Client.GetAsync("/workflows/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("EventSource", await script.Content.ReadAsStringAsync());
        using var style = await app.Client.GetAsync("/workflows/app.css");
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
    }
}
