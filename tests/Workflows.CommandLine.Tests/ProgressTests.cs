using System;
using System.IO;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class ProgressTests
{
    [Fact]
    public void The_live_line_is_redrawn_in_place_and_failures_stay_on_their_own_line()
    {
        var writer = new StringWriter();
        using (var live = new LiveProgress(writer, "wf", 3))
        {
            live.StepStarted("wf", "build");
            live.StepStarted("wf", "lint");
            live.StepCompleted("wf", "lint", 1, TimeSpan.FromMilliseconds(5));
            live.StepRetrying("wf", "build", 1, TimeSpan.FromSeconds(2), new InvalidOperationException("flaky"));
            live.StepFailed("wf", "build", 2, TimeSpan.FromSeconds(3), new InvalidOperationException("broken"));
            live.StepSkipped("wf", "deploy");
            live.StepStarted("sub", "inner");
        }

        var text = writer.ToString();
        Assert.Matches(@"\r[|/\\-] 0/3 done, 2 running: build, lint", text); // the spinner's frame depends on the timer
        Assert.Contains("1/3 done, 1 running: build", text);
        Assert.Contains("retry build attempt 2 in 2 s: flaky" + Environment.NewLine, text);
        Assert.Contains("failed build after 2 attempts: broken" + Environment.NewLine, text);
        Assert.Contains("1/3 done, 1 running, 1 skipped, 1 failed: sub/inner", text);
        Assert.EndsWith("\r", text); // the live line is cleared at the end
        Assert.DoesNotContain("\n", text.Replace(Environment.NewLine, "", StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_name_sub_workflow_steps_with_their_workflow()
    {
        var writer = new StringWriter();
        var lines = new LineProgress(writer, "wf");
        lines.StepStarted("child", "step");
        lines.StepCompleted("wf", "top", 1, TimeSpan.FromMilliseconds(1500));
        Assert.Equal("started child/step" + Environment.NewLine + "done top (1500 ms)" + Environment.NewLine, writer.ToString());
    }
}
