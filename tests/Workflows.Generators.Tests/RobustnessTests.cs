using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// Hundreds of broken inputs: the analyzer and generator must answer each with WF diagnostics, never an
/// exception, and must agree (no WF error means generated code that compiles; a WF error means at most the
/// workflow's surface, which compiles too).
/// </summary>
public sealed class RobustnessTests
{
    private const string Seed = """
        name: robust
        namespace: TestApp.Robust
        description: A seed for mutations.
        steps:
          - id: test
            action: deploy.test
            with: { count: 3 }
          - id: push
            name: Push
            action: deploy.push
            depends_on: [test]
            with:
              environment: "dev"
          - id: notify
            action: notify
            depends_on: push
            with: { message: done }
        """;

    private const string JsonSeed = """
        { "name": "robust-json", "steps": [ { "id": "a", "action": "build" }, { "id": "b", "action": "deploy.test", "depends_on": ["a"], "with": { "count": 1 } } ] }
        """;

    private const string YamlAlphabet = ":-[]{}#&*!|>'\"%@`,? \n\t~$.0123456789abcxyz";

    [Fact]
    public void Truncated_files()
    {
        var inputs = new List<(string, string)>();
        foreach (var (seed, path) in new[] { (Seed, "t.workflow.yaml"), (JsonSeed, "t.workflow.json") })
        {
            for (var length = 0; length < seed.Length; length += Math.Max(1, seed.Length / 60))
            {
                inputs.Add((path, seed.Substring(0, length)));
            }
        }

        AssertRobust(inputs, mustReport: false);
    }

    [Fact]
    public void No_position_past_the_end_of_a_file_cut_anywhere_without_a_final_newline()
    {
        // Files that end inside '{', '[' or a quote, with no final newline: YamlDotNet's own marks name the line after the last.
        var seeds = new[]
        {
            "name: cut\nsteps: [ { id: a, action: build, with: { x: [1, 2] } } ]",
            "name: cut\nsteps:\n  - id: a\n    action: deploy.test\n    with: { count: \"3\" }",
            "{ \"name\": \"cut\", \"steps\": [ { \"id\": \"a\", \"action\": 'build' } ] }",
        };
        var inputs = new List<(string, string)>();
        foreach (var seed in seeds)
        {
            for (var length = 1; length <= seed.Length; length++)
            {
                inputs.Add(("cut.workflow.yaml", seed.Substring(0, length)));
                if (length % 4 == 0)
                {
                    inputs.Add(("cut.workflow.yaml", seed.Substring(0, length).Replace("\n", "\r\n", StringComparison.Ordinal)));
                }
            }
        }

        AssertRobust(inputs, mustReport: false);
    }

    [Fact]
    public void A_file_ending_inside_a_brace_reports_at_the_brace()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("b.workflow.yaml", "name: a\nsteps: {"));

        var error = Assert.Single(result.WorkflowDiagnostics);
        Assert.Equal("WF0005", error.Id);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(1, 7), error.Location.GetLineSpan().StartLinePosition);
    }

    /// <summary>True when the diagnostic's span or line and column lie beyond the text of its file.</summary>
    private static bool PastTheEnd(Diagnostic diagnostic, string text)
    {
        var source = Microsoft.CodeAnalysis.Text.SourceText.From(text);
        var span = diagnostic.Location.SourceSpan;
        var lines = diagnostic.Location.GetLineSpan();
        foreach (var position in new[] { lines.StartLinePosition, lines.EndLinePosition })
        {
            if (position.Line >= source.Lines.Count || position.Character > source.Lines[position.Line].End - source.Lines[position.Line].Start)
            {
                return true;
            }
        }

        return span.End > text.Length;
    }

    [Fact]
    public void Random_edits_of_yaml_significant_characters()
    {
        var random = new Random(20261122);
        var inputs = new List<(string, string)>();
        for (var i = 0; i < 200; i++)
        {
            var (seed, path) = i % 4 == 0 ? (JsonSeed, "e.workflow.json") : (Seed, "e.workflow.yaml");
            var text = new StringBuilder(seed);
            for (var edit = random.Next(1, 6); edit > 0; edit--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Insert(at, YamlAlphabet[random.Next(YamlAlphabet.Length)]);
                        break;
                    case 1:
                        text.Remove(at, 1);
                        break;
                    default:
                        text[at] = YamlAlphabet[random.Next(YamlAlphabet.Length)];
                        break;
                }
            }

            inputs.Add((path, text.ToString()));
        }

        AssertRobust(inputs, mustReport: false);
    }

    [Fact]
    public void Shuffled_and_duplicated_lines()
    {
        var random = new Random(7);
        var lines = Seed.Split('\n');
        var inputs = new List<(string, string)>();
        for (var i = 0; i < 60; i++)
        {
            var mutated = lines.ToList();
            var a = random.Next(mutated.Count);
            var b = random.Next(mutated.Count);
            if (i % 2 == 0)
            {
                (mutated[a], mutated[b]) = (mutated[b], mutated[a]);
            }
            else
            {
                mutated.Insert(b, mutated[a]);
            }

            inputs.Add(("s.workflow.yaml", string.Join("\n", mutated)));
        }

        AssertRobust(inputs, mustReport: false);
    }

    [Fact]
    public void Binary_noise()
    {
        var random = new Random(42);
        var inputs = new List<(string, string)>();
        for (var i = 0; i < 60; i++)
        {
            var bytes = new byte[random.Next(1, 2000)];
            random.NextBytes(bytes);
            var text = i % 2 == 0 ? Encoding.Latin1.GetString(bytes) : Encoding.UTF8.GetString(bytes);
            inputs.Add(("n.workflow.yaml", text));
            inputs.Add(("n.workflow.json", "{\"name\": \"x\", " + text));
        }

        AssertRobust(inputs, mustReport: true);
    }

    [Fact]
    public void Deep_nesting_and_huge_files()
    {
        var inputs = new List<(string, string)>
        {
            ("d.workflow.yaml", new string('[', 100_000)),
            ("d.workflow.json", string.Concat(Enumerable.Repeat("{\"a\":", 50_000))),
            ("d.workflow.yaml", "name: deep\nsteps:\n  - id: a\n    action: build\n    with:\n" + string.Concat(Enumerable.Range(0, 300).Select(i => new string(' ', 6 + (2 * i)) + "k:\n"))),
            ("d.workflow.yaml", string.Concat(Enumerable.Range(0, 500).Select(i => new string(' ', 2 * i) + "- \n"))),
            ("h.workflow.yaml", "name: huge\nsteps:\n" + new string('#', 3_000_000)),
            ("h.workflow.yaml", "name: long-scalar\nsteps:\n  - id: a\n    action: " + new string('x', 1_000_000) + "\n"),
        };

        AssertRobust(inputs, mustReport: true);
    }

    [Fact]
    public void Wrong_kinds_of_values()
    {
        var inputs = new[]
        {
            "name: [1, 2]\nsteps:\n  - id: a\n    action: build\n",
            "name: x\nsteps: { a: b }\n",
            "name: x\nsteps:\n  - just a string\n",
            "name: x\nsteps:\n  - id: { nested: map }\n    action: build\n",
            "name: x\nsteps:\n  - id: a\n    action: [build]\n",
            "name: x\nsteps:\n  - id: a\n    action: build\n    depends_on: { b: c }\n",
            "name: x\nsteps:\n  - id: a\n    action: deploy.test\n    with: [1, 2]\n",
            "name: x\nsteps:\n  - id: a\n    action: deploy.test\n    with: { count: { deep: 1 } }\n",
            "name: x\nsteps:\n  ? [complex, key]\n  : value\n",
            "name: x\nsteps:\n  - ? [complex]\n    : key\n    id: a\n    action: build\n",
            "name: x\nsteps:\n  - &self [ *self ]\n",
            "name: x\nsteps:\n  - id: a\n    action: *missing\n",
            "name: x\nsteps: []\n",
            "name: x\n---\nname: y\n",
            "",
            "# only a comment\n",
            "---\n",
            "~\n",
            "\uFEFFname: bom\nsteps: 1\n",
            "name: \0\nsteps:\n  - id: a\n    action: build\n",
            "name: x\nsteps:\n  - id: a\n    action: build\n  - id: a\n    action: build\n    depends_on: [a, a, a]\n",
            "name: 123\nsteps:\n  - id: 9lives\n    action: build\n",
            "name: x\nnamespace: class\nsteps:\n  - id: a\n    action: build\n",
            "name: x\nsteps:\n  - id: a\n    action: deploy.test\n    with: { count: 1, COUNT: 2 }\n",
        };

        AssertRobust(inputs.Select(i => ("w.workflow.yaml", i)), mustReport: true);
    }

    [Fact]
    public void Aliases_cannot_make_a_cycle_an_exponential_tree_or_an_unbounded_depth()
    {
        // Each level names the one before it nine times: 9^12 nodes once expanded.
        var laughs = new StringBuilder("name: x\nsteps:\n  - id: a\n    action: build\nlol0: &l0 [lol]\n");
        for (var i = 1; i <= 12; i++)
        {
            laughs.Append("lol").Append(i).Append(": &l").Append(i).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*l" + (i - 1), 9))).Append("]\n");
        }

        // Each anchor is 40 levels deep and holds the one before it: few levels in the text, hundreds expanded.
        var deep = new StringBuilder("name: x\nsteps:\n  - id: a\n    action: build\n");
        for (var i = 0; i < 20; i++)
        {
            deep.Append("d").Append(i).Append(": &d").Append(i).Append(' ').Append(new string('[', 40))
                .Append(i == 0 ? "leaf" : "*d" + (i - 1)).Append(new string(']', 40)).Append('\n');
        }

        var inputs = new[]
        {
            ("self.workflow.yaml", "name: x\nsteps: &s\n  - id: a\n    action: build\n    with: { again: *s }\n"),
            ("map.workflow.yaml", "name: x\nsteps:\n  - &m { id: a, action: build, with: { me: *m } }\n"),
            ("laughs.workflow.yaml", laughs.ToString()),
            ("deep.workflow.yaml", deep.ToString()),
        };

        AssertRobust(inputs, mustReport: true);
        var recursive = WorkflowTestHost.Build(TestSources.Actions, inputs[0]);
        Assert.Contains(recursive.WorkflowDiagnostics, d => d.GetMessage().Contains("the alias '*s' stands inside the node its anchor names", StringComparison.Ordinal));
        var expanded = WorkflowTestHost.Build(TestSources.Actions, inputs[2]);
        Assert.Contains(expanded.WorkflowDiagnostics, d => d.GetMessage().Contains("once its aliases are replaced", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alias_to_a_complete_node_still_works()
    {
        var text = "name: x\nsteps:\n  - id: a\n    action: deploy.test\n    with: &d { count: 2 }\n  - id: b\n    action: deploy.test\n    with: *d\n";

        var result = WorkflowTestHost.Build(TestSources.Actions, ("alias.workflow.yaml", text));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.DoesNotContain(result.WorkflowDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(result.CompilerErrors);
        var generated = result.GeneratedSource("XWorkflow.g.cs") ?? string.Empty;
        Assert.Contains("aOutput = global::TestApp.Actions.Test(count: 2);", generated);
        Assert.Contains("bOutput = global::TestApp.Actions.Test(count: 2);", generated);
        Assert.DoesNotContain("Actions.Test()", generated);
    }

    [Fact]
    public void Random_expressions_in_every_position()
    {
        var random = new Random(3);
        string[] atoms =
        {
            "inputs.n", "inputs.s", "inputs.missing", "steps.load.output", "steps.load.output.Total", "steps.load.output.Customer.Email",
            "steps.load.output.Lines[0]", "steps.nope.output", "steps.a.output", "1", "2.5", "'x'", "\"y\"", "true", "null",
            "length(inputs.s)", "contains(inputs.s, 'a')", "always()", "success()", "failure()", "format('{0}', 1)", "toJson(1)",
        };
        string[] operators = { " + ", " - ", " == ", " != ", " < ", " >= ", " && ", " || ", " ?? ", "", ".", "[", "(", ")", "!" };
        var inputs = new List<(string, string)>();
        for (var i = 0; i < 150; i++)
        {
            var expression = new StringBuilder();
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                expression.Append(atoms[random.Next(atoms.Length)]).Append(operators[random.Next(operators.Length)]);
            }

            var text = expression.ToString().Replace("'", "''", StringComparison.Ordinal);
            var (position, value) = (i % 3) switch
            {
                0 => ("with", $"\"${{{{ {text} }}}}\""),
                1 => ("if", $"\"${{{{ {text} }}}}\""),
                _ => ("outputs", $"\"${{{{ {text} }}}}\""),
            };
            var yaml = "name: fuzz\ninputs:\n  n: int\n  s: string\n"
                + (position == "outputs" ? "outputs:\n  out: " + value.Replace("''", "'", StringComparison.Ordinal) + "\n" : string.Empty)
                + "steps:\n  - id: load\n    action: orders.load\n    with: { id: x }\n  - id: a\n    action: take.string\n"
                + (position == "if" ? "    if: " + value.Replace("''", "'", StringComparison.Ordinal) + "\n" : string.Empty)
                + "    with: { value: " + (position == "with" ? value.Replace("''", "'", StringComparison.Ordinal) : "ok") + " }\n";
            inputs.Add(("x.workflow.yaml", yaml));
        }

        AssertRobust(inputs, mustReport: false);
    }

    [Fact]
    public void Ten_thousand_step_chain_and_cycle_do_not_exhaust_the_stack()
    {
        var chain = new StringBuilder("name: long-chain\nsteps:\n  - id: s0\n    action: build\n");
        for (var i = 1; i < 10_000; i++)
        {
            chain.Append("  - id: s").Append(i).Append("\n    action: build\n    depends_on: s").Append(i - 1).Append('\n');
        }

        var cycle = chain.ToString().Replace("  - id: s0\n    action: build\n", "  - id: s0\n    action: build\n    depends_on: s9999\n");

        var cyclic = WorkflowTestHost.Build(TestSources.Actions, ("c.workflow.yaml", cycle));
        Assert.Empty(cyclic.AnalyzerExceptions);
        Assert.Contains(cyclic.WorkflowDiagnostics, d => d.Id == "WF0001" && d.GetMessage().StartsWith("Steps form a dependency cycle: s9999 -> s9998 -> s9997", StringComparison.Ordinal));

        // The valid chain goes through the same parser, binder and emitter; compiling 10 000 generated
        // statements would only measure the C# compiler.
        var document = Parsing.WorkflowDocumentParser.Parse("l.workflow.yaml", chain.ToString());
        var catalog = new Actions.ActionCatalog(new[] { BuildAction() });
        var spec = Binding.WorkflowBinder.Bind(document, catalog, Types.ResolvedInputTypes.Empty, "TestApp", Array.Empty<Binding.TypeClaim>()).Spec;
        Assert.NotNull(spec);
        Assert.Equal(10_000, spec.Batches.Count);
        Assert.Contains("// Batch 10000 of 10000: s9999", Emit.ExecutorEmitter.Emit(spec));
    }

    private static Model.ActionSpec BuildAction()
        => new("build", "Actions.Build", "global::TestApp.Actions", "Actions", "Build", IsStatic: true,
            Common.EquatableArray<Model.ActionParameter>.Empty, Model.ActionReturnKind.Void, OutputType: null, OutputTypeName: null,
            Common.EquatableArray<Model.TypeShape>.Empty, Error: null);

    private static void AssertRobust(IEnumerable<(string Path, string Text)> inputs, bool mustReport)
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var (path, text) in inputs)
        {
            count++;
            var problem = Check(path, text, mustReport);
            if (problem is not null)
            {
                var shown = text.Length > 300 ? text.Substring(0, 300) + "..." : text;
                failures.Add($"{problem}\n--- input ({path}, {text.Length} chars) ---\n{shown}\n");
            }
        }

        Assert.True(count > 0);
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} inputs failed:\n" + string.Join("\n", failures.Take(5)));
    }

    private static string? Check(string path, string text, bool mustReport)
    {
        BuildResult result;
        try
        {
            result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { (path, text) });
        }
        catch (Exception exception)
        {
            return "the build itself threw: " + exception;
        }

        if (result.AnalyzerExceptions.Count > 0)
        {
            return "the analyzer threw: " + result.AnalyzerExceptions[0];
        }

        var run = result.Generator.Results.Single();
        if (run.Exception is not null)
        {
            return "the generator threw: " + run.Exception;
        }

        var errors = result.WorkflowDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Any(d => d.Location.GetLineSpan().Path != path))
        {
            return "a diagnostic points outside the workflow file";
        }

        if (result.WorkflowDiagnostics.FirstOrDefault(d => PastTheEnd(d, text)) is { } past)
        {
            return "a diagnostic points past the end of the file: " + past;
        }

        if (errors.Count == 0)
        {
            if (mustReport)
            {
                return "no WF diagnostic for an invalid input";
            }

            // The workflow's executor, and the project's list of registrations.
            if (run.GeneratedSources.Length != 2)
            {
                return "no WF error, yet no code was generated";
            }

            var compileErrors = result.CompilerErrors.ToList();
            return compileErrors.Count == 0 ? null : "no WF error, yet the generated code does not compile: " + compileErrors[0];
        }

        // A workflow with errors gets at most its surface (members that throw, under [Obsolete]) and the list
        // of registrations, and what it gets must compile without a diagnostic of its own.
        if (result.Executors.Any())
        {
            return "a workflow with WF errors still produced an executor";
        }

        var generatedDiagnostics = result.CompilerDiagnostics.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
        return generatedDiagnostics.Count == 0 ? null : "the surface of a workflow with WF errors does not compile clean: " + generatedDiagnostics[0];
    }
}
