using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Xunit;

namespace Workflows.AspNetCore.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright (pointed at the installed
/// executable: no browser download), against the app served by Kestrel on 127.0.0.1. Screenshots go to
/// <c>screenshots/</c> in the test output folder.
/// </summary>
public sealed class BrowserTests
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [BrowserFact]
    public async Task The_dashboard_starts_a_run_from_the_form_shows_its_graph_turn_green_and_pauses_and_resumes_a_run()
    {
        Assert.True(Chromium.Executable is not null, Chromium.HowToEnable);
        Directory.CreateDirectory(s_screenshots);
        await using var app = await TestApp.StartAsync(kestrel: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"], // root in a container
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var errors = new System.Collections.Generic.List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.SetDefaultTimeout(30_000);

        // The workflow page: its graph shows every step before any run, and its form starts a run.
        await page.GotoAsync(app.Address + "/workflows#/workflows/greet");
        await page.Locator("#dag g.node").First.WaitForAsync();
        Assert.Equal(new[] { "hello", "left", "right", "join" }, await page.Locator("#dag g.node").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.step)"));
        Assert.Equal(4, await page.Locator("#dag path.edge").CountAsync());
        await page.FillAsync("#input-name", "Browser");
        await page.FillAsync("#input-times", "3");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "1-workflow-form.png"), FullPage = true });
        await page.ClickAsync("#start");

        // The run page follows the run live: every step turns green (succeeded).
        await page.WaitForFunctionAsync("() => location.hash.startsWith('#/runs/') && document.getElementById('run-status') !== null");
        await page.Locator("#run-status [data-status=succeeded]").WaitForAsync();
        await page.Locator("#dag g.node[data-status=succeeded]").Nth(3).WaitForAsync();
        Assert.Equal(4, await page.Locator("#dag g.node.s-succeeded").CountAsync());
        Assert.Equal("rgb(50, 213, 131)", await page.Locator("#dag g.node[data-step=join] rect").EvaluateAsync<string>("r => getComputedStyle(r).fill"));
        Assert.Contains("Hello Browser x3", await page.InnerTextAsync("#outputs"));
        Assert.Equal(4, await page.Locator("#timeline rect.bar").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "2-run-succeeded.png"), FullPage = true });

        // A durable run held at its second step: pause it from the page, let the step finish, resume it.
        var gate = app.Actions.Hold("label");
        await page.GotoAsync(app.Address + "/workflows#/workflows/ship");
        await page.FillAsync("#input-order", "B-1");
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("() => location.hash.startsWith('#/runs/') && document.getElementById('run-status') !== null");
        var runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await app.EnteredAsync(gate, runId);
        await page.Locator("#dag g.node[data-step=label][data-status=running]").WaitForAsync();
        Assert.Equal("succeeded", await page.GetAttributeAsync("#dag g.node[data-step=pack]", "data-status"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "3-run-running.png"), FullPage = true });

        await page.ClickAsync("#pause");
        await page.Locator("#events td", new PageLocatorOptions { HasTextString = "pausing" }).First.WaitForAsync(); // noticed by the running process
        gate.Release();
        await page.Locator("#run-status [data-status=paused]").WaitForAsync();
        await page.Locator("#dag g.node[data-step=label][data-status=succeeded]").WaitForAsync();
        Assert.Equal("waiting", await page.GetAttributeAsync("#dag g.node[data-step=send]", "data-status"));
        Assert.True(await page.IsEnabledAsync("#resume"));
        Assert.False(await page.IsEnabledAsync("#pause"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "4-run-paused.png"), FullPage = true });

        await page.ClickAsync("#resume");
        await page.Locator("#run-status [data-status=succeeded]").WaitForAsync();
        await page.Locator("#dag g.node[data-step=send][data-status=succeeded]").WaitForAsync();
        Assert.Equal(3, await page.Locator("#dag g.node.s-succeeded").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "5-run-resumed.png"), FullPage = true });

        // A run waiting for a signal: the run page offers it, sends the payload typed there, and the run finishes with it.
        await page.GotoAsync(app.Address + "/workflows#/workflows/approve");
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("() => location.hash.startsWith('#/runs/') && document.getElementById('run-status') !== null");
        await page.Locator("#run-status [data-status=waiting]").WaitForAsync();
        Assert.Equal("manager-approval", await page.InputValueAsync("#signal-name"));
        await page.FillAsync("#signal-payload", "{\"Approved\": true, \"By\": \"ann\"}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "6-run-waiting.png"), FullPage = true });
        await page.ClickAsync("#send-signal");
        await page.Locator("#run-status [data-status=succeeded]").WaitForAsync();
        Assert.Contains("ann", await page.InnerTextAsync("#outputs"));

        // The runs list shows them, and filters them.
        await page.GotoAsync(app.Address + "/workflows#/runs");
        await page.Locator("#runs tr[data-run]").Nth(1).WaitForAsync();
        await page.SelectOptionAsync("#filter-workflow", "ship");
        await page.Locator("#runs tr[data-run=\"" + runId + "\"]").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#runs tr[data-run]').length === 1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "7-runs.png"), FullPage = true });
        Assert.Empty(errors);
    }
}
