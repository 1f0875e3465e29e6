using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.BuiltIns.Tests;

public sealed class HttpActionsTests
{
    private static StepContext Context(HttpClient? client = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
        => Contexts.For(new WorkflowOptions { HttpClient = client, TimeProvider = clock ?? TimeProvider.System }, cancellationToken);

    [Fact]
    public async Task Get_returns_status_headers_body_and_json()
    {
        using var server = new HttpTestServer(async (context, _) =>
        {
            context.Response.Headers["X-Trace"] = "abc";
            await HttpTestServer.RespondAsync(context, 200, """{"items":[{"name":"first"}],"count":1}""", "application/json; charset=utf-8");
        });

        var result = await HttpActions.GetAsync(server.BaseUrl + "things?q=1", Context(), headers: new Dictionary<string, string> { ["Accept"] = "application/json", ["X-Api-Key"] = "k1" });

        Assert.Equal(200, result.StatusCode);
        Assert.True(result.IsSuccess);
        Assert.Equal("abc", result.Headers["x-trace"]);
        Assert.StartsWith("application/json", result.Headers["CONTENT-TYPE"]);
        Assert.Equal("first", (string?)result.Json!["items"]![0]!["name"]);
        Assert.Equal(1, (int)result.Json["count"]!);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/things", request.Path);
        Assert.Equal("k1", request.Headers["X-Api-Key"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
    }

    [Fact]
    public async Task A_body_that_is_not_json_has_no_json()
    {
        using var server = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 200, "{\"looks\":\"like json\"}", "text/plain"));

        var result = await HttpActions.GetAsync(server.BaseUrl, Context());

        Assert.Equal("{\"looks\":\"like json\"}", result.Body);
        Assert.Null(result.Json);
    }

    [Fact]
    public async Task Invalid_json_under_a_json_content_type_gives_null_json_not_an_exception()
    {
        using var server = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 200, "{broken", "application/problem+json"));

        var result = await HttpActions.GetAsync(server.BaseUrl, Context());

        Assert.Equal("{broken", result.Body);
        Assert.Null(result.Json);
    }

    [Fact]
    public async Task Post_sends_json_with_the_json_content_type()
    {
        using var server = new HttpTestServer((context, body) => HttpTestServer.RespondAsync(context, 201, body, context.Request.ContentType));

        var result = await HttpActions.PostAsync(server.BaseUrl + "orders", Context(), json: """{"id": 7}""");

        Assert.Equal(201, result.StatusCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        Assert.Equal("""{"id": 7}""", request.Body);
        Assert.Equal(7, (int)result.Json!["id"]!);
    }

    [Fact]
    public async Task Request_sends_a_text_body_with_any_method_and_a_content_type_from_headers()
    {
        using var server = new HttpTestServer((context, body) => HttpTestServer.RespondAsync(context, 200, "ok"));

        await HttpActions.RequestAsync(server.BaseUrl + "doc", Context(), method: "put", body: "<x/>", headers: new Dictionary<string, string> { ["Content-Type"] = "application/xml", ["Authorization"] = "Bearer t" });

        var request = Assert.Single(server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("<x/>", request.Body);
        Assert.Equal("application/xml", request.Headers["Content-Type"]);
        Assert.Equal("Bearer t", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task Invalid_json_or_both_bodies_are_refused_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => HttpActions.PostAsync("http://127.0.0.1:1/", Context(), json: "{nope"));
        await Assert.ThrowsAsync<ArgumentException>(() => HttpActions.PostAsync("http://127.0.0.1:1/", Context(), body: "a", json: "{}"));
        await Assert.ThrowsAsync<ArgumentException>(() => HttpActions.GetAsync("ftp://example.com/", Context()));
        await Assert.ThrowsAsync<ArgumentException>(() => HttpActions.GetAsync("/relative", Context()));
    }

    [Fact]
    public async Task A_non_success_status_fails_with_the_status_and_without_the_query_string()
    {
        using var server = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 503, "down for maintenance"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync(server.BaseUrl + "health?token=s3cr3t", Context()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("503", error.Message);
        Assert.Contains("down for maintenance", error.Message);
        Assert.Contains("/health", error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
    }

    [Fact]
    public async Task Allow_failure_and_allowed_statuses_accept_non_success()
    {
        using var server = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, context.Request.Url!.AbsolutePath == "/missing" ? 404 : 500, "no"));

        var allowed = await HttpActions.GetAsync(server.BaseUrl + "boom", Context(), allowFailure: true);
        Assert.Equal(500, allowed.StatusCode);
        Assert.False(allowed.IsSuccess);

        var listed = await HttpActions.RequestAsync(server.BaseUrl + "missing", Context(), allowedStatuses: ["404"]);
        Assert.Equal(404, listed.StatusCode);
        var byClass = await HttpActions.RequestAsync(server.BaseUrl + "missing", Context(), allowedStatuses: ["4xx"]);
        Assert.Equal(404, byClass.StatusCode);

        var notListed = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.RequestAsync(server.BaseUrl + "boom", Context(), allowedStatuses: ["404", "4xx"]));
        Assert.Equal(HttpStatusCode.InternalServerError, notListed.StatusCode);
        await Assert.ThrowsAsync<ArgumentException>(() => HttpActions.RequestAsync(server.BaseUrl, Context(), allowedStatuses: ["teapot"]));
    }

    [Fact]
    public async Task A_timeout_on_the_run_clock_abandons_the_request_with_TimeoutException()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new HttpTestServer(async (context, _) =>
        {
            received.TrySetResult();
            await release.Task;
            await HttpTestServer.RespondAsync(context, 200, "late");
        });
        var clock = new ManualTimeProvider();

        try
        {
            var call = HttpActions.GetAsync(server.BaseUrl + "slow", Context(clock: clock), timeout: "30s");
            await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await clock.WaitForPendingAsync();
            Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(clock.Pending()));
            Assert.False(call.IsCompleted);

            clock.Advance(TimeSpan.FromSeconds(30));

            var error = await Assert.ThrowsAsync<TimeoutException>(() => call);
            Assert.Contains("30s", error.Message);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Cancellation_is_reported_as_cancellation_not_timeout()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new HttpTestServer(async (context, _) =>
        {
            received.TrySetResult();
            await release.Task;
            await HttpTestServer.RespondAsync(context, 200, "late");
        });
        using var cancellation = new CancellationTokenSource();

        try
        {
            var call = HttpActions.GetAsync(server.BaseUrl, Context(cancellationToken: cancellation.Token), timeout: "10m");
            await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
            cancellation.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task The_client_from_the_options_is_used()
    {
        var handler = new RecordingHandler();
        using var client = new HttpClient(handler);

        var result = await HttpActions.GetAsync("https://api.example.test/v1/ping", Context(client));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("pong", result.Body);
        Assert.Equal(new Uri("https://api.example.test/v1/ping"), Assert.Single(handler.Uris));
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<Uri> Uris { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uris.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("pong") });
        }
    }
}
