using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Binding;
using Workflows.Generators.Model;
using Workflows.Generators.Parsing;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// The analyzer's cache (<see cref="ValidationCache"/>) redoes only what an edit can change, and never changes
/// what is reported: sequences of random edits give the same diagnostics with and without it.
/// </summary>
public sealed class ValidationCacheTests
{
    private const string Child = """
        name: child
        inputs:
          id: string
        outputs:
          n: ${{ steps.t.output }}
        steps:
          - id: t
            action: deploy.test
        """;

    private const string Parent = """
        name: parent
        steps:
          - id: run
            workflow: child
            with: { id: x }
          - id: use
            action: deploy.test
            with: { count: "${{ steps.run.output.N }}" }
        """;

    private const string Plain = """
        name: plain
        steps:
          - id: a
            action: build
          - id: b
            action: deploy.test
            depends_on: a
        """;

    [Fact]
    public void Unchanged_files_keep_their_binding_and_an_edit_rebinds_the_file_and_its_callers()
    {
        var compilation = WorkflowTestHost.CreateCompilation(TestSources.Actions);
        var catalog = new ActionCatalog(WorkflowValidation.FindActions(compilation).Select(a => a.Spec));
        var cache = new ValidationCache();
        var files = new List<(string Path, string? Text)> { ("child.workflow.yaml", Child), ("parent.workflow.yaml", Parent), ("plain.workflow.yaml", Plain) };

        var first = Bind(files, compilation, catalog, cache);
        var again = Bind(files, compilation, catalog, cache);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Same(first[i], again[i]));

        // The child's output type changes: the child and its caller are bound again (the caller's read of N is
        // now an error), the unrelated file is not.
        files[0] = (files[0].Path, Child.Replace("deploy.test", "fetch\n    with: { order_id: o }"));
        var edited = Bind(files, compilation, catalog, cache);
        Assert.NotSame(again[0], edited[0]);
        Assert.NotSame(again[1], edited[1]);
        Assert.Same(again[2], edited[2]);
        Assert.Contains(edited[1].Diagnostics, d => d.Id == "WF0104");

        // A new action in the project changes the context: everything is bound again.
        var more = new ActionCatalog(catalog.Actions.Concat(new[] { catalog.Actions[0] with { Name = "extra" } }));
        var rebound = Bind(files, compilation, more, cache);
        Assert.All(Enumerable.Range(0, 3), i => Assert.NotSame(edited[i], rebound[i]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_edit_sequences_report_what_an_uncached_validation_reports(int seed)
    {
        var random = new Random(seed);
        var compilation = WorkflowTestHost.CreateCompilation(TestSources.Actions);
        var cache = new ValidationCache();
        var texts = new[] { Child, Parent, Plain, Parent.Replace("name: parent", "name: parent2") };
        var files = texts.Select((t, i) => ($"f{i}.workflow.yaml", (string?)t)).ToList();
        string[] replacements = { "child", "chil", "parent", "deploy.test", "build", "fetch", "id", "count", "N", "n", "string", "int", "run", "a", "depends_on" };
        for (var step = 0; step < 40; step++)
        {
            var index = random.Next(files.Count);
            var text = files[index].Item2 ?? string.Empty;
            var from = replacements[random.Next(replacements.Length)];
            var to = replacements[random.Next(replacements.Length)];
            var at = text.IndexOf(from, StringComparison.Ordinal);
            if (random.Next(4) == 0)
            {
                files[index] = (files[index].Item1, texts[index]);
            }
            else if (at >= 0)
            {
                files[index] = (files[index].Item1, text.Substring(0, at) + to + text.Substring(at + from.Length));
            }

            var cached = WorkflowValidation.Validate(files, compilation, "TestApp", cache: cache);
            var fresh = WorkflowValidation.Validate(files, compilation, "TestApp");
            for (var i = 0; i < files.Count; i++)
            {
                Assert.Equal(Describe(fresh[i]), Describe(cached[i]));
            }
        }
    }

    private static BindingResult[] Bind(IReadOnlyList<(string Path, string? Text)> files, Microsoft.CodeAnalysis.Compilation compilation, ActionCatalog catalog, ValidationCache cache)
    {
        var documents = cache.Parse(files);
        var inputTypes = Types.InputTypeResolver.Resolve(compilation, documents.SelectMany(WorkflowBinder.InputTypeNames));
        var claims = documents.Select(d => TypeClaim.For(d, "TestApp")).Where(c => c is not null).Select(c => c!).ToList();
        return WorkflowSetBinder.Bind(documents, Enumerable.Empty<WorkflowSignature>(), catalog, inputTypes, "TestApp", claims, default, cache.Bindings);
    }

    private static string Describe(IReadOnlyList<DiagnosticInfo> diagnostics)
        => string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Span} {string.Join("|", d.Arguments)}"));
}
