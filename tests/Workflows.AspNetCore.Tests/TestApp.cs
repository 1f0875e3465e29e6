using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Net.Http;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.AspNetCore.Tests;

/// <summary>
/// The test workflows served by a web app, with a SQLite store in a temporary folder: on a TestServer by default, or
/// on Kestrel at 127.0.0.1 (a free port) for the browser.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Secret = "s3cr3t-carrier-token-42";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wf-web-" + Guid.NewGuid().ToString("N"));

    private TestApp()
    {
    }

    public WebActions Actions { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The address of the Kestrel server (only with <c>kestrel: true</c>).</summary>
    public string? Address { get; private set; }

    public static async Task<TestApp> StartAsync(Action<WorkflowApiOptions>? configure = null, bool withAuth = false, bool kestrel = false, Action<Microsoft.AspNetCore.Routing.RouteGroupBuilder>? group = null, bool noAppJsonMetadata = false)
    {
        var app = new TestApp();
        Directory.CreateDirectory(app._directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var store = new SqliteWorkflowStore(Path.Combine(app._directory, "runs.db"));
        builder.Services.AddSingleton(app.Actions);
        builder.Services.AddSingleton(new WorkflowOptions
        {
            Store = store,
            Secrets = new Secrets(),
            // Short leases: a lost owner is noticed quickly (a pause or cancel is read every ControlInterval, 1 s).
            LeaseDuration = TimeSpan.FromSeconds(3),
        });
        if (noAppJsonMetadata)
        {
            // As under NativeAOT: the app's JSON options know no type (no reflection), so the API must bring its own.
            builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Clear());
        }
        else
        {
            builder.Services.AddOpenApi(options => options.AddWorkflowSchemas());
        }
        if (withAuth)
        {
            builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
            builder.Services.AddAuthorization(options =>
            {
                options.AddPolicy("reader", policy => policy.RequireAuthenticatedUser());
                options.AddPolicy("operator", policy => policy.RequireRole("operator"));
            });
        }

        var web = builder.Build();
        if (!noAppJsonMetadata)
        {
            web.MapOpenApi();
        }
        var api = web.MapWorkflows(configure: options =>
        {
            options.PollInterval = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(options);
        });
        group?.Invoke(api);
        await web.StartAsync();
        app.App = web;
        if (kestrel)
        {
            app.Address = web.Urls is { Count: > 0 } urls ? System.Linq.Enumerable.First(urls) : throw new InvalidOperationException("Kestrel has no address.");
            app.Client = new HttpClient { BaseAddress = new Uri(app.Address) };
        }
        else
        {
            app.Client = web.GetTestClient();
        }

        return app;
    }

    public Task<HttpResponseMessage> PostJsonAsync(string url, string json)
        => Client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Starts a run and returns its id.</summary>
    public async Task<string> StartRunAsync(string workflow, string inputs)
    {
        using var response = await PostJsonAsync("/workflows-api/workflows/" + workflow + "/runs", inputs);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"start {workflow}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString()!;
    }

    /// <summary>Reads the run until <paramref name="done"/> holds for it (waiting for an outcome, not for a time).</summary>
    public async Task<JsonElement> WaitForRunAsync(string runId, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await GetJsonAsync("/workflows-api/runs/" + runId);
            if (done(run))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Run {runId} never got {what}: {run}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the run's step is held at <paramref name="gate"/>; fails with the run when it ends first.</summary>
    public async Task EnteredAsync(WebActions.Gate gate, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!gate.Entered.Task.IsCompleted)
        {
            var run = await GetJsonAsync("/workflows-api/runs/" + runId);
            if (Status(run) is "succeeded" or "failed" or "cancelled" || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Run {runId} never reached the held step: {run}");
            }

            await Task.WhenAny(gate.Entered.Task, Task.Delay(20));
        }
    }

    public static string Status(JsonElement run) => run.GetProperty("status").GetString()!;

    public static string StepStatus(JsonElement run, string step)
    {
        foreach (var s in run.GetProperty("steps").EnumerateArray())
        {
            if (s.GetProperty("id").GetString() == step)
            {
                return s.GetProperty("status").GetString()!;
            }
        }

        return "missing";
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Secrets : IWorkflowSecrets
    {
        public bool TryGetSecret(string name, [NotNullWhen(true)] out string? value)
        {
            value = name == "WEB_SHIP_TOKEN" ? Secret : null;
            return value is not null;
        }
    }

    /// <summary>Authenticates from headers: X-Test-User names the user, X-Test-Role gives a role. No header: anonymous.</summary>
    public sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Headers["X-Test-User"].ToString();
            if (user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, user) };
            var role = Request.Headers["X-Test-Role"].ToString();
            if (role.Length > 0)
            {
                claims.Add(new Claim(ClaimTypes.Role, role));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}
