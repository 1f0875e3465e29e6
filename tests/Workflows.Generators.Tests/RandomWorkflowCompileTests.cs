using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Workflows.Generators.Tests;

/// <summary>
/// The product's promise, tested on random workflows: a workflow the analyzer accepts generates C# that
/// compiles with no error and no warning under the strictest settings (<see cref="StrictCompilation"/>), and
/// a single mutation of one that the analyzer still accepts compiles too. A fixed-seed slice runs always;
/// <c>WORKFLOWS_RANDOM_WORKFLOWS=5000</c> runs that many (and <c>WORKFLOWS_RANDOM_SEED</c> starts elsewhere).
/// A failure is shrunk (steps and keys dropped while it persists) and shown as YAML with its errors.
/// </summary>
public sealed class RandomWorkflowCompileTests(ITestOutputHelper output)
{
    private const int DefaultCount = 240;
    private const int DefaultMutations = 160;

    /// <summary>Workflows per compilation: compiling one big project is much cheaper than many small ones.</summary>
    private const int BatchSize = 40;

    private static int Count(int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable("WORKFLOWS_RANDOM_WORKFLOWS"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : fallback;

    private static int FirstSeed
        => int.TryParse(Environment.GetEnvironmentVariable("WORKFLOWS_RANDOM_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : 1;

    [Fact]
    public void Random_valid_workflows_have_no_diagnostic_and_compile_without_warnings()
    {
        var workflows = Enumerable.Range(FirstSeed, Count(DefaultCount)).Select(seed => new RandomWorkflowGenerator(seed).Next()).ToList();

        var failures = Failures(workflows, mustBeAccepted: true, out var accepted);
        output.WriteLine($"{workflows.Count} random workflows from seed {FirstSeed}: {accepted} accepted, {failures.Count} failed.");

        Assert.True(failures.Count == 0, Report(failures, workflows.Count, mustBeAccepted: true));
    }

    /// <summary>Seeds whose workflows once failed in a large run: each stays a regression test of its own.</summary>
    [Theory]
    [InlineData(687)]  // a maybe-null action output passed to a parameter that takes no null (CS8604)
    [InlineData(1579)] // a member compared with null in an if:, then passed to such a parameter (CS8604)
    [InlineData(110)]  // synchronous steps in parallel with a json_context: the unobserved copy exists only for a run in order (CS0103)
    [InlineData(221)]
    [InlineData(223)]
    [InlineData(20102)] // a callee input named 'cancellationToken' given a literal (WF0402: the generator's fault)
    [InlineData(20235)] // the same
    [InlineData(20532)] // the same
    [InlineData(21530)] // the same
    [InlineData(21262)] // WF0110 on a '??' after an output the generator wrongly judged maybe-skipped
    public void Seeds_that_once_failed_compile_without_warnings(int seed)
    {
        var workflows = new[] { new RandomWorkflowGenerator(seed).Next() }.ToList();

        var failures = Failures(workflows, mustBeAccepted: true, out _);

        Assert.True(failures.Count == 0, Report(failures, workflows.Count, mustBeAccepted: true));
    }

    /// <summary>Mutants (seed as in <see cref="Mutations_the_analyzer_accepts_compile_without_warnings"/>) that once failed: each a regression test.</summary>
    [Theory]
    [InlineData(20134)] // 'inputs.x ?? inputs.x', both maybe null, passed to a parameter that takes no null (CS8604)
    [InlineData(20446)] // a constant negative index, 'steps.x.output[-1]' (CS0251; now WF0113)
    [InlineData(71332)] // a rejected input default holding U+0085, quoted by the invalid surface's comment and [Obsolete] (CS1010)
    public void Mutants_that_once_failed_compile_without_warnings(int seed)
    {
        var mutants = new[] { Mutate(new RandomWorkflowGenerator(seed).Next(), new Random(seed * 31)) }.ToList();

        var failures = Failures(mutants, mustBeAccepted: false, out _);

        Assert.True(failures.Count == 0, Report(failures, mutants.Count, mustBeAccepted: false));
    }

    [Fact]
    public void Mutations_the_analyzer_accepts_compile_without_warnings()
    {
        var count = Count(DefaultMutations);
        var mutants = Enumerable.Range(FirstSeed, count).Select(seed => Mutate(new RandomWorkflowGenerator(seed).Next(), new Random(seed * 31))).ToList();

        var failures = Failures(mutants, mustBeAccepted: false, out var accepted);
        output.WriteLine($"{count} mutants from seed {FirstSeed}: {accepted} accepted by the analyzer, {failures.Count} of those failed to compile cleanly.");

        Assert.True(failures.Count == 0, Report(failures, mutants.Count, mustBeAccepted: false));
        // Mutants the analyzer rejects prove nothing here: enough of them must be accepted (and compiled).
        Assert.True(accepted >= count / 5, $"Only {accepted} of {count} mutants were accepted by the analyzer.");
    }

    [Fact]
    public void The_generator_covers_the_grammar()
    {
        // A generator that stopped writing some key would let its bugs back in unseen.
        var text = string.Concat(Enumerable.Range(1, DefaultCount).SelectMany(seed => new RandomWorkflowGenerator(seed).Next().Files.Select(f => f.Text)));
        string[] keys =
        {
            "namespace:", "description:", "on:", "schedule:", "cron:", "timezone:", "overlap:", "catch_up:", "manual:", "inputs:",
            "type:", "required:", "default:", "outputs:", "timeout:", "max_parallel:", "json_context:", "durable: true", "steps:",
            "on_failure:", "name:", "action:", "workflow:", "depends_on:", "if:", "foreach:", "with:", "retry:", "max_attempts:",
            "delay:", "backoff:", "max_delay:", "jitter:", "on: [", "on_error:", "compensate:", "always()", "success()",
            "failure()", ".outcome", "item", "index", "failure.message", "secrets.", "?? ", "length(", "format(", "toJson(",
            "contains(", "startsWith(", "action: log", "action: wait", "action: file.write", "action: http.get", "action: f.price",
            "\"Fuzz.Item[]\"", "\"string[]\"", "\"Fuzz.Level\"", "default: [", "\\u2028", "*/", "</summary>",
        };
        var missing = keys.Where(k => !text.Contains(k, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "The random workflows never write: " + string.Join(", ", missing));
    }

    // ----- Checking -----

    private sealed record Failure(RandomWorkflow Workflow, string Signature, string Problems, RandomWorkflow Shrunk, string ShrunkProblems);

    /// <param name="accepted">How many of the workflows got no WF error.</param>
    private static List<Failure> Failures(IReadOnlyList<RandomWorkflow> workflows, bool mustBeAccepted, out int accepted)
    {
        var failures = new List<Failure>();
        accepted = 0;
        foreach (var batch in workflows.Chunk(BatchSize))
        {
            var rejectedFiles = new HashSet<string>(StringComparer.Ordinal);
            var batchProblems = Problems(batch, mustBeAccepted, rejectedFiles);
            accepted += batch.Count(w => !w.Files.Any(f => rejectedFiles.Contains(f.Path)));
            if (batchProblems.Count == 0)
            {
                continue;
            }

            // Find the culprits one by one, then make each small.
            foreach (var workflow in batch)
            {
                var problems = Problems(new[] { workflow }, mustBeAccepted);
                if (problems.Count > 0 && failures.Count < 3)
                {
                    var signature = Signature(problems);
                    var shrunk = Shrink(workflow, problems, mustBeAccepted);
                    failures.Add(new Failure(workflow, signature, string.Join("\n", problems.Take(5)), shrunk, string.Join("\n", Problems(new[] { shrunk }, mustBeAccepted).Take(5))));
                }
                else if (problems.Count > 0)
                {
                    failures.Add(new Failure(workflow, Signature(problems), string.Join("\n", problems.Take(3)), workflow, string.Empty));
                }
            }
        }

        return failures;
    }

    private static string Signature(IReadOnlyList<string> problems) => problems[0].Split(':')[0];

    /// <summary>
    /// What is wrong with building these workflows together: analyzer or generator exceptions; any WF diagnostic
    /// (when the workflows must be accepted); any compiler error or warning in the code generated for them.
    /// Each problem starts with a short signature ("CS0103:", "WF0110:") used to shrink it.
    /// </summary>
    private static List<string> Problems(IReadOnlyList<RandomWorkflow> workflows, bool mustBeAccepted, HashSet<string>? rejectedFiles = null)
    {
        var files = workflows.SelectMany(w => w.Files).ToArray();
        BuildResult result;
        try
        {
            result = WorkflowTestHost.Build(new[] { RandomWorkflowGenerator.Actions, RandomWorkflowGenerator.JsonContext(Array.Empty<string>()) }, files);
        }
        catch (Exception exception)
        {
            return new List<string> { "exception: the build threw " + exception };
        }

        var problems = new List<string>();
        problems.AddRange(result.AnalyzerExceptions.Select(e => "exception: the analyzer threw " + e));
        if (result.Generator.Results.Single().Exception is { } thrown)
        {
            problems.Add("exception: the generator threw " + thrown);
        }

        if (mustBeAccepted)
        {
            problems.AddRange(result.WorkflowDiagnostics.Select(d => $"{d.Id}: {d}"));
        }

        rejectedFiles?.UnionWith(result.WorkflowDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Location.GetLineSpan().Path));

        problems.AddRange(StrictCompilation.GeneratedCodeProblems(result)
            .Where(d => d.Location.SourceTree?.FilePath.Contains("WorkflowGenerator", StringComparison.Ordinal) == true)
            .Select(d => $"{d.Id}: {d}\n    in: {Line(d)}"));
        return problems;
    }

    private static string Line(Diagnostic diagnostic)
    {
        var tree = diagnostic.Location.SourceTree!;
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        return tree.GetText().Lines[line].ToString().Trim();
    }

    // ----- Shrinking -----

    /// <summary>Drops YAML blocks (a line and the lines indented under it), then single lines, while the failure keeps its signature.</summary>
    private static RandomWorkflow Shrink(RandomWorkflow workflow, IReadOnlyList<string> original, bool mustBeAccepted)
    {
        // The same first problem, and no kind of problem the original did not have (a removal that breaks the file differently is no progress).
        var signature = Signature(original);
        var kinds = original.Select(p => Signature(new[] { p })).ToHashSet(StringComparer.Ordinal);
        bool Same(List<string> problems) => problems.Count > 0 && Signature(problems) == signature && problems.All(p => kinds.Contains(Signature(new[] { p })));

        var files = workflow.Files.ToList();
        var budget = 250;
        var progress = true;
        while (progress && budget > 0)
        {
            progress = false;
            for (var f = 0; f < files.Count && budget > 0; f++)
            {
                var lines = files[f].Text.Split('\n').ToList();
                for (var i = lines.Count - 1; i >= 0 && budget > 0; i--)
                {
                    if (i >= lines.Count || lines[i].Length == 0 || lines[i].StartsWith("name:", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var indent = Indent(lines[i]);
                    var end = i + 1;
                    while (end < lines.Count && lines[end].Length > 0 && Indent(lines[end]) > indent + (lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal) ? 1 : 0))
                    {
                        end++;
                    }

                    foreach (var length in end - i > 1 ? new[] { end - i, 1 } : new[] { 1 })
                    {
                        var candidate = lines.Take(i).Concat(lines.Skip(i + length)).ToList();
                        var trial = files.ToList();
                        trial[f] = (files[f].Path, string.Join("\n", candidate));
                        budget--;
                        var problems = Problems(new[] { workflow with { Files = trial } }, mustBeAccepted);
                        if (Same(problems))
                        {
                            files = trial;
                            lines = candidate;
                            progress = true;
                            break;
                        }
                    }
                }
            }

            // A file nothing calls any more can go.
            for (var f = 0; f < files.Count - 1 && budget > 0; f++)
            {
                var trial = files.Where((_, index) => index != f).ToList();
                budget--;
                var problems = Problems(new[] { workflow with { Files = trial } }, mustBeAccepted);
                if (Same(problems))
                {
                    files = trial;
                    progress = true;
                    f--;
                }
            }
        }

        return workflow with { Files = files };
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static string Report(List<Failure> failures, int count, bool mustBeAccepted)
    {
        var report = new StringBuilder();
        report.Append(failures.Count).Append(" of ").Append(count).Append(mustBeAccepted ? " random workflows" : " accepted mutants")
            .Append(" failed (reproduce one with WORKFLOWS_RANDOM_SEED=<seed> WORKFLOWS_RANDOM_WORKFLOWS=1).\n");
        foreach (var failure in failures.Take(3))
        {
            report.Append("\n===== seed ").Append(failure.Workflow.Seed).Append(": ").Append(failure.Signature).Append(" =====\n");
            report.Append("--- shrunk to ---\n").Append(failure.Shrunk.Show()).Append('\n');
            report.Append("--- its problems ---\n").Append(failure.ShrunkProblems).Append('\n');
            report.Append("--- the original's problems ---\n").Append(failure.Problems).Append('\n');
            if (failures.Count == 1)
            {
                report.Append("--- the original ---\n").Append(failure.Workflow.Show()).Append('\n');
            }

        }

        foreach (var failure in failures.Skip(3).GroupBy(f => f.Signature).Select(g => g.First()))
        {
            report.Append("\nseed ").Append(failure.Workflow.Seed).Append(": ").Append(failure.Problems.Split('\n')[0]);
        }

        report.Append("\nSeeds: ").Append(string.Join(", ", failures.Select(f => f.Workflow.Seed + " " + f.Signature)));
        return report.ToString();
    }

    // ----- Mutations -----

    private static readonly (Regex Pattern, string[] Replacements)[] s_mutations =
    {
        (new Regex(@"\b(string|int|long|bool|double|decimal|char)\b"), new[] { "string", "int", "long", "bool", "decimal", "Fuzz.Item", "object", "Guid" }),
        (new Regex(@"-?\b\d+(\.\d+)?\b"), new[] { "0", "-1", "99999999999999999999", "1e400", "2147483648", "-9223372036854775809", "1.5", "\"7\"" }),
        (new Regex(@"==|!=|>=|&&|\|\||\+|\?\?"), new[] { "==", "<", "+", "-", "&&", "??", "!=" }),
        (new Regex(@"\b(inputs|steps)\.[A-Za-z_][A-Za-z0-9_-]*"), new[] { "inputs.missing", "item", "index", "null", "failure.message", "steps.x.outcome" }),
        (new Regex(@"\.(output|Name|Count|Price|Tags|outcome)\b"), new[] { ".output", ".Name", ".Count", ".Tags[0]", ".output.Count", ".Price", ".Note" }),
        (new Regex(@": [^\n{\[]+$", RegexOptions.Multiline), new[] { ": null", ": ~", ": []", ": {}", ": \"${{ null ?? null }}\"", ": \"${{ item }}\"", ": x", ": true" }),
        (new Regex(@"\b(always|success|failure)\(\)"), new[] { "always()", "success()", "failure()", "!always()" }),
        (new Regex(@"\bf\.[a-z]+|\blog\b|\bwait\b"), new[] { "f.make", "f.void", "f.maybe", "f.names", "f.text", "f.items", "f.keyword", "log" }),
    };

    /// <summary>One small change to one of the workflow's files: a token replaced, a line dropped or repeated.</summary>
    private static RandomWorkflow Mutate(RandomWorkflow workflow, Random random)
    {
        var files = workflow.Files.ToList();
        var index = random.Next(files.Count);
        var text = files[index].Text;
        var kind = random.Next(s_mutations.Length + 2);
        if (kind < s_mutations.Length)
        {
            var (pattern, replacements) = s_mutations[kind];
            var matches = pattern.Matches(text);
            if (matches.Count > 0)
            {
                var match = matches[random.Next(matches.Count)];
                text = text.Substring(0, match.Index) + replacements[random.Next(replacements.Length)] + text.Substring(match.Index + match.Length);
            }
        }
        else
        {
            var lines = text.Split('\n').ToList();
            var line = random.Next(lines.Count);
            if (kind == s_mutations.Length)
            {
                lines.RemoveAt(line);
            }
            else
            {
                lines.Insert(line, lines[random.Next(lines.Count)]);
            }

            text = string.Join("\n", lines);
        }

        files[index] = (files[index].Path, text);
        return workflow with { Files = files };
    }
}
