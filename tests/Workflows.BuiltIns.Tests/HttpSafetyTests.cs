using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Runtime;
using Xunit;

namespace Workflows.BuiltIns.Tests;

/// <summary>Redirects, limits and secrets of the http.* actions, against real servers on 127.0.0.1.</summary>
public sealed class HttpSafetyTests
{
    private static readonly Dictionary<string, string> s_credentials = new()
    {
        ["X-Api-Key"] = "key-0123456789",
        ["Cookie"] = "session=cookie-0123456789",
        ["Authorization"] = "Bearer token-0123456789",
        ["X-Custom"] = "custom-value",
    };

    private static StepContext Context(TimeProvider? clock = null) => Contexts.For(new WorkflowOptions { TimeProvider = clock ?? TimeProvider.System });

    private static HttpTestServer Redirecting(int status, string location)
        => new((context, _) =>
        {
            context.Response.Headers["Location"] = location;
            return HttpTestServer.RespondAsync(context, status, string.Empty);
        });

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task A_redirect_to_another_origin_is_not_followed_by_default(int status)
    {
        using var other = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 200, "landed"));
        using var first = Redirecting(status, other.BaseUrl + "landing?ticket=1");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync(first.BaseUrl + "start", Context(), headers: s_credentials));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Contains(first.BaseUrl + "start", error.Message);
        Assert.Contains("a redirect to " + other.BaseUrl + "landing, not followed", error.Message);
        Assert.Contains("follow_redirects", error.Message);
        Assert.DoesNotContain("ticket", error.Message);
        Assert.Empty(other.Requests);
    }

    [Theory]
    [InlineData(302, "GET", "")]
    [InlineData(307, "POST", "{\"a\":1}")]
    public async Task Follow_redirects_true_follows_to_another_origin_without_the_steps_headers(int status, string expectedMethod, string expectedBody)
    {
        using var other = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 200, "landed"));
        using var first = Redirecting(status, other.BaseUrl + "landing");

        var result = await HttpActions.RequestAsync(first.BaseUrl + "start", Context(), method: "POST", json: "{\"a\":1}", headers: s_credentials, followRedirects: "true");

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("landed", result.Body);
        Assert.Equal(other.BaseUrl + "landing", result.Url);
        Assert.Equal(1, result.Redirects);
        Assert.Equal("key-0123456789", Assert.Single(first.Requests).Headers["X-Api-Key"]);
        var landed = Assert.Single(other.Requests);
        Assert.Equal(expectedMethod, landed.Method);
        Assert.Equal(expectedBody, landed.Body);
        foreach (var name in s_credentials.Keys)
        {
            Assert.Null(landed.Headers[name]);
        }

        foreach (var value in s_credentials.Values)
        {
            Assert.DoesNotContain(landed.Headers.AllKeys, key => landed.Headers[key!]!.Contains(value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_redirect_on_the_same_origin_is_followed_with_the_headers_and_shows_in_the_result()
    {
        using var server = new HttpTestServer((context, _) =>
        {
            if (context.Request.Url!.AbsolutePath == "/old")
            {
                context.Response.Headers["Location"] = "/new";
                return HttpTestServer.RespondAsync(context, 301, string.Empty);
            }

            return HttpTestServer.RespondAsync(context, 200, "new place");
        });

        var result = await HttpActions.GetAsync(server.BaseUrl + "old", Context(), headers: s_credentials);

        Assert.Equal("new place", result.Body);
        Assert.Equal(server.BaseUrl + "new", result.Url);
        Assert.Equal(1, result.Redirects);
        Assert.All(server.Requests, request => Assert.Equal("key-0123456789", request.Headers["X-Api-Key"]));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Follow_redirects_false_returns_the_redirect_when_allowed_statuses_accepts_it_and_fails_otherwise()
    {
        using var server = new HttpTestServer((context, _) =>
        {
            context.Response.Headers["Location"] = "/elsewhere";
            return HttpTestServer.RespondAsync(context, 302, string.Empty);
        });

        var result = await HttpActions.RequestAsync(server.BaseUrl, Context(), allowedStatuses: ["3xx"], followRedirects: "false");
        Assert.Equal(302, result.StatusCode);
        Assert.EndsWith("/elsewhere", result.Headers["Location"]);
        Assert.Equal(0, result.Redirects);

        // Listed in allowed_statuses, a redirect is the answer even where it would be followed.
        var listed = await HttpActions.RequestAsync(server.BaseUrl, Context(), allowedStatuses: ["302"]);
        Assert.Equal(302, listed.StatusCode);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/elsewhere");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync(server.BaseUrl, Context(), followRedirects: "false"));
        Assert.Contains("not followed: redirects are not followed (follow_redirects: false)", error.Message);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/elsewhere");

        var bad = await Assert.ThrowsAsync<ArgumentException>(() => HttpActions.GetAsync(server.BaseUrl, Context(), followRedirects: "sometimes"));
        Assert.Contains("'sometimes'", bad.Message);
    }

    [Fact]
    public async Task The_default_timeout_covers_a_body_that_trickles()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new HttpTestServer(async (context, _) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentLength64 = 100;
            await context.Response.OutputStream.WriteAsync(new byte[] { (byte)'x' });
            await context.Response.OutputStream.FlushAsync();
            started.TrySetResult();
            await release.Task;
        });
        var clock = new ManualTimeProvider();

        try
        {
            var call = HttpActions.GetAsync(server.BaseUrl + "slow", Context(clock));
            await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await clock.WaitForPendingAsync();
            Assert.Equal(TimeSpan.FromSeconds(100), Assert.Single(clock.Pending()));
            clock.Advance(TimeSpan.FromSeconds(100));

            // The delay only guards a hung test: the call must end because the run clock passed the timeout.
            Assert.Same(call, await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(20))));
            var error = await Assert.ThrowsAsync<TimeoutException>(() => call);
            Assert.Contains(server.BaseUrl + "slow", error.Message);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_max_response_size_fails_with_a_clear_error(bool chunked)
    {
        var body = new string('a', 2 * 1024 * 1024);
        using var server = new HttpTestServer(async (context, _) =>
        {
            context.Response.StatusCode = 200;
            var bytes = Encoding.ASCII.GetBytes(body);
            if (chunked)
            {
                context.Response.SendChunked = true;
            }
            else
            {
                context.Response.ContentLength64 = bytes.Length;
            }

            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync(server.BaseUrl + "big", Context(), maxResponseSize: "1MB"));
        Assert.Contains("max_response_size (1MB", error.Message);
        Assert.Contains(server.BaseUrl + "big", error.Message);

        var fits = await HttpActions.GetAsync(server.BaseUrl + "big", Context(), maxResponseSize: "2MB");
        Assert.Equal(body.Length, fits.Body.Length);
        await Assert.ThrowsAsync<FormatException>(() => HttpActions.GetAsync(server.BaseUrl, Context(), maxResponseSize: "lots"));
    }

    [Fact]
    public async Task The_default_size_limit_is_ten_megabytes()
    {
        using var server = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 200, new string('b', (10 * 1024 * 1024) + 1)));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync(server.BaseUrl, Context()));

        Assert.Contains("max_response_size (10MB", error.Message);
    }

    [Fact]
    public async Task A_secret_across_the_cut_of_an_error_body_is_masked_whole()
    {
        const string secret = "sk-cut-ABCDEFGHIJKLMNOPQRSTUV";
        SecretRedactor.Remember(secret);
        using var server = new HttpTestServer((context, _) => HttpTestServer.RespondAsync(context, 400, new string('x', 490) + secret + " trailing"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync(server.BaseUrl, Context()));

        Assert.DoesNotContain(secret[..6], error.Message);
        Assert.Contains("***", error.Message);
    }

    [Fact]
    public async Task A_connection_failure_names_the_url_without_its_query()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HttpActions.GetAsync("http://127.0.0.1:1/health?token=abc", Context()));

        Assert.Contains("GET http://127.0.0.1:1/health failed", error.Message);
        Assert.DoesNotContain("token", error.Message);
    }
}
