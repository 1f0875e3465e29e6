using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Generators.Common;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// Text from a workflow file never becomes code: each escaping context of <see cref="CSharpText"/> against the
/// hostile corpus, then whole workflows with that text in every place it reaches generated code.
/// </summary>
public sealed class InjectionTests
{
    private static readonly CSharpParseOptions s_diagnose = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static IEnumerable<string> UnitCorpus() => HostileText.Corpus().Append("lone \uD800 half").Append(string.Empty);

    [Fact]
    public void A_string_literal_keeps_its_value_and_stays_one_token()
    {
        ForEach(UnitCorpus(), text =>
        {
            var literal = CSharpText.StringLiteral(text);
            Assert.DoesNotContain(literal, c => HostileText.LineTerminators.Contains(c.ToString()));
            var token = SingleLiteral("class C { string S = " + literal + "; }");
            Assert.Equal(text, token.ValueText);
        });
    }

    [Fact]
    public void A_char_literal_keeps_its_value()
    {
        ForEach(UnitCorpus().SelectMany(t => t).Distinct().Select(c => c.ToString()), text =>
        {
            var token = SingleLiteral("class C { char S = " + CSharpText.CharLiteral(text[0]) + "; }");
            Assert.Equal(text, token.ValueText);
        });
    }

    [Fact]
    public void A_verbatim_string_literal_keeps_its_value()
    {
        ForEach(UnitCorpus(), text =>
        {
            var token = SingleLiteral("class C { string S = " + CSharpText.VerbatimStringLiteral(text) + "; }");
            Assert.Equal(text, token.ValueText);
        });
    }

    [Fact]
    public void Interpolated_text_keeps_its_value_around_a_hole()
    {
        ForEach(UnitCorpus(), text =>
        {
            var escaped = CSharpText.InterpolatedText(text);
            Assert.DoesNotContain(escaped, c => HostileText.LineTerminators.Contains(c.ToString()));
            // A constant interpolated string, so the compiler itself says what the value is.
            var tree = Parse("class C { const string S = $\"" + escaped + "{\"|\"}" + escaped + "\"; }");
            var interpolated = tree.GetRoot().DescendantNodes().OfType<InterpolatedStringExpressionSyntax>().Single();
            Assert.Single(interpolated.Contents.OfType<InterpolationSyntax>());
            var compilation = CSharpCompilation.Create("I", new[] { tree }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
            Assert.Equal(text + "|" + text, compilation.GetSemanticModel(tree).GetConstantValue(interpolated).Value);
        });
    }

    [Fact]
    public void A_line_comment_stays_one_line()
    {
        ForEach(UnitCorpus(), text =>
        {
            var comment = CSharpText.LineComment(text);
            Assert.DoesNotContain(comment, c => HostileText.LineTerminators.Contains(c.ToString()));
            var tree = Parse("// " + comment + "\nclass C { }");
            Assert.Equal("C", Assert.Single(tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()).Identifier.Text);
            Assert.Empty(tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>().OfType<FieldDeclarationSyntax>());
        });
    }

    [Fact]
    public void Xml_doc_text_stays_inside_its_element()
    {
        ForEach(UnitCorpus(), text =>
        {
            var xml = CSharpText.XmlDocText(text);
            Assert.DoesNotContain(xml, c => HostileText.LineTerminators.Contains(c.ToString()));
            var tree = Parse("/// <summary>" + xml + "</summary>\npublic class C { }");
            Assert.Single(tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>());
            var summary = XElement.Parse("<summary>" + xml + "</summary>");
            Assert.Empty(summary.Elements());
        });
    }

    [Fact]
    public void Block_comment_text_never_closes_the_comment()
    {
        ForEach(UnitCorpus(), text =>
        {
            var tree = Parse("/* " + CSharpText.BlockCommentText(text) + " */ class C { }");
            Assert.Equal("C", Assert.Single(tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()).Identifier.Text);
        });
    }

    [Fact]
    public void An_identifier_is_escaped_when_a_keyword_and_refused_when_not_an_identifier()
    {
        Assert.Equal("@class", CSharpText.Identifier("class"));
        Assert.Equal("Orders", CSharpText.Identifier("Orders"));
        Assert.Equal("My.@event.Flows", CSharpText.QualifiedName("My.@event.Flows".Replace("@", string.Empty)));
        foreach (var bad in HostileText.LineTerminators.Select(t => "a" + t + "b").Concat(new[] { string.Empty, "1a", "a b", "a.b", "a\\u0062", "a*/" }))
        {
            Assert.Throws<ArgumentException>(() => CSharpText.Identifier(bad));
        }
    }

    /// <summary>The issue's attack: a line terminator in a description, then a class with a module initializer.</summary>
    [Fact]
    public void A_description_never_adds_a_type_or_member()
    {
        var baseline = Declarations(Build(Workflow("plain")));
        ForEach(HostileText.Escapes(), text =>
        {
            var result = Build(Workflow(text));
            AssertClean(result);
            Assert.Empty(result.Output.GetSymbolsWithName(HostileText.PayloadType, SymbolFilter.All));
            Assert.Equal(baseline, Declarations(result));
        });

        static string Workflow(string text) => $$$"""
            name: described
            description: {{{HostileText.Yaml(text)}}}
            inputs:
              region:
                type: string
                description: {{{HostileText.Yaml(text)}}}
                default: {{{HostileText.Yaml(text)}}}
            timeout: {{{HostileText.Yaml("\u2028 10s\u0085")}}}
            steps:
              - id: push
                name: {{{HostileText.Yaml(text)}}}
                description: {{{HostileText.Yaml(text)}}}
                action: deploy.push
                with: { environment: {{{HostileText.Yaml(text)}}} }
              - id: greet
                action: notify
                with: { message: {{{HostileText.Yaml(text + "${{ inputs.region }}" + text)}}} }
            """;
    }

    /// <summary>The Markdown page travels in a /* */ comment of a generated file: nothing in it closes the comment.</summary>
    [Fact]
    public void The_docs_page_carrier_stays_a_comment()
    {
        var compilation = WorkflowTestHost.CreateCompilation(TestSources.Actions);
        var options = new TestOptionsProvider(new Dictionary<string, string>
        {
            ["build_property.RootNamespace"] = "TestApp",
            ["build_property.WorkflowsDocsDirectory"] = "docs",
        });
        ForEach(HostileText.Escapes(), text =>
        {
            var yaml = $"name: documented\ndescription: {HostileText.Yaml(text)}\ninputs:\n  env:\n    type: string\n    description: {HostileText.Yaml(text)}\n"
                + $"    default: {HostileText.Yaml(text)}\nsteps:\n  - id: push\n    action: deploy.push\n    with: {{ environment: \"${{{{ inputs.env }}}}\" }}\n";
            var file = new InMemoryAdditionalText("flows/r.workflow.yaml", yaml);
            var run = WorkflowTestHost.CreateDriver(new[] { file }, options).RunGenerators(compilation).GetRunResult().Results.Single();
            var carrier = run.GeneratedSources.Single(s => s.HintName.EndsWith(".Docs.g.cs", StringComparison.Ordinal)).SyntaxTree;
            Assert.Empty(carrier.GetDiagnostics());
            Assert.Empty(carrier.GetRoot().DescendantNodes());
            Assert.Contains(text.Substring(0, 1), carrier.ToString());
        });
    }

    [Fact]
    public void A_workflow_file_name_never_becomes_code()
    {
        ForEach(HostileText.LineTerminators, terminator =>
        {
            var path = "flows/evil" + terminator + HostileText.Payload + terminator + ".workflow.yaml";
            var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { (path, "name: named\nsteps:\n  - id: b\n    action: build\n") });
            AssertClean(result);
            Assert.Empty(result.Output.GetSymbolsWithName(HostileText.PayloadType, SymbolFilter.All));
        });
    }

    [Fact]
    public void Two_line_descriptions_compile()
    {
        AssertClean(Build("""
            name: multi
            description: |
              First line.
              Second line.
            inputs:
              region:
                type: string
                description: |
                  The region,
                  as a code.
            steps:
              - id: push
                description: |
                  Pushes
                  twice.
                action: deploy.push
                with: { environment: "${{ inputs.region }}" }
            """));
    }

    [Theory]
    [InlineData("name: \"bad\\n\"\nsteps:\n  - id: b\n    action: build\n", "workflow name")]
    [InlineData("name: ok\nsteps:\n  - id: \"b\\n\"\n    action: build\n", "step id")]
    [InlineData("name: ok\ninputs:\n  \"x\\n\": string\nsteps:\n  - id: b\n    action: build\n", "input name")]
    [InlineData("name: ok\noutputs:\n  \"x\\n\": ${{ steps.b.output }}\nsteps:\n  - id: b\n    action: deploy.test\n", "output name")]
    public void A_name_ending_in_a_newline_is_refused(string yaml, string what)
    {
        var result = Build(yaml);
        var diagnostic = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0009");
        Assert.Contains(what, diagnostic.GetMessage());
        Assert.Empty(result.CompilerErrors);
    }

    [Theory]
    [InlineData("ratio: NaN")]
    [InlineData("ratio: -NaN")]
    [InlineData("ratio: 1e400")]
    public void A_number_literal_that_is_no_number_is_refused_not_written_as_code(string entry)
    {
        var result = Build($$"""
            name: numbers
            steps:
              - id: t
                action: typed
                with: { number: 1, flag: true, {{entry}}, amount: 1, text: x, letter: c, color: Red, big: 1 }
            """);
        Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0012");
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void A_number_in_an_expression_that_no_literal_holds_is_an_expression_error()
    {
        var result = Build("""
            name: numbers
            steps:
              - id: t
                action: build
                if: ${{ 1e400 > 1.5 }}
            """);
        Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0110");
        Assert.Empty(result.CompilerErrors);

        var large = Build("""
            name: large
            steps:
              - id: t
                action: take.decimal
                with: { value: "${{ 99999999999999999999 }}" }
            """);
        Assert.Empty(large.WorkflowDiagnostics);
        Assert.Empty(large.CompilerErrors);
    }

    /// <summary>Every corpus string in every place: compiles with no diagnostic, and reads back as written at run time.</summary>
    [Fact]
    public async Task Hostile_text_compiles_cleanly_and_round_trips_at_run_time()
    {
        var failures = new List<string>();
        foreach (var text in HostileText.Corpus())
        {
            try
            {
                await RoundTrip(text);
            }
            catch (Exception exception)
            {
                failures.Add(Show(text) + ": " + exception.Message);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task RoundTrip(string text)
    {
        // "}}" would end the ${{ }} early: the expression's literal gets the same text with the pair broken.
        var quoted = text.Replace("}}", "} }");
        var quotedForExpression = quoted.Replace("'", "''");
        var yaml = $$$"""
            name: hostile
            description: {{{HostileText.Yaml(text)}}}
            inputs:
              text:
                type: string
                default: {{{HostileText.Yaml(text)}}}
                description: {{{HostileText.Yaml(text)}}}
            outputs:
              literal: ${{ steps.lit.output }}
              interpolated: ${{ steps.interp.output }}
              quoted: ${{ steps.quoted.output }}
              mixed: ${{ steps.mixed.output }}
              keyed: ${{ steps.keyed.output }}
              fallback: ${{ inputs.text }}
            steps:
              - id: lit
                name: {{{HostileText.Yaml(text)}}}
                action: echo
                with: { value: {{{HostileText.Yaml(text)}}} }
              - id: interp
                action: echo
                with: { value: {{{HostileText.Yaml(text + "${{ inputs.text }}" + text)}}} }
              - id: quoted
                action: echo
                with: { value: {{{HostileText.Yaml("${{ '" + quotedForExpression + "' }}")}}} }
              - id: keyed
                action: echo.map
                with: { map: { {{{HostileText.Yaml(text)}}}: {{{HostileText.Yaml(text)}}} } }
              - id: mixed
                action: echo
                with: { value: {{{HostileText.Yaml(text + "${{ '" + quotedForExpression + "' }}" + text)}}} }
            """;
        var result = WorkflowTestHost.Build(new[] { EchoAction }, new[] { ("flows/hostile.workflow.yaml", yaml) });
        AssertClean(result);

        using var peStream = new MemoryStream();
        var emitted = result.Output.Emit(peStream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext("hostile", isCollectible: true);
        try
        {
            peStream.Position = 0;
            var assembly = context.LoadFromStream(peStream);
            var type = assembly.GetType("TestApp.HostileWorkflow", throwOnError: true)!;
            var descriptor = (WorkflowDescriptor)type.GetProperty("Descriptor")!.GetValue(null)!;
            Assert.Equal(text, descriptor.Description);
            Assert.Equal(text, descriptor.Steps[0].DisplayName);
            var registration = (Workflows.Hosting.WorkflowRegistration)type.GetProperty("Registration")!.GetValue(null)!;
            Assert.Equal(text, registration.Inputs[0].Description);
            Assert.Equal(text, registration.Inputs[0].DefaultValue);
            Assert.Equal(yaml, registration.Definition);

            var workflow = Activator.CreateInstance(type, new object?[] { null })!;
            var inputs = Activator.CreateInstance(type.GetNestedType("Inputs")!)!;
            var run = type.GetMethod("RunAsync", new[] { inputs.GetType(), typeof(CancellationToken) })!;
            var pending = run.Invoke(workflow, new object[] { inputs, CancellationToken.None })!;
            var task = (Task)pending.GetType().GetMethod("AsTask")!.Invoke(pending, null)!;
            await task;
            var outputs = task.GetType().GetProperty("Result")!.GetValue(task)!;
            string Output(string name) => (string)outputs.GetType().GetProperty(name)!.GetValue(outputs)!;
            Assert.Equal(text, Output("Fallback"));
            Assert.Equal(text, Output("Literal"));
            Assert.Equal(text + text + text, Output("Interpolated"));
            Assert.Equal(quoted, Output("Quoted"));
            Assert.Equal(text + quoted + text, Output("Mixed"));
            Assert.Equal(text + "=" + text, Output("Keyed"));
        }
        finally
        {
            context.Unload();
        }
    }

    private const string EchoAction = """
        namespace TestApp;

        public static class Echoes
        {
            [global::Workflows.WorkflowAction("echo")]
            public static string Echo(string value) => value;

            [global::Workflows.WorkflowAction("echo.map")]
            public static string Map(global::System.Collections.Generic.IReadOnlyDictionary<string, string> map)
                => string.Join("|", map.Keys) + "=" + string.Join("|", map.Values);
        }
        """;

    private static BuildResult Build(string yaml) => WorkflowTestHost.Build(TestSources.Actions, ("flows/test.workflow.yaml", yaml));

    /// <summary>No workflow diagnostic, no generator failure, and no compiler diagnostic at all in generated code, doc comments checked.</summary>
    private static void AssertClean(BuildResult result)
    {
        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.Generator.Diagnostics);
        Assert.Empty(result.CompilerErrors);
        var compilation = result.Output;
        foreach (var generated in result.Generator.GeneratedTrees)
        {
            compilation = compilation.ReplaceSyntaxTree(generated, CSharpSyntaxTree.ParseText(generated.GetText(), s_diagnose, generated.FilePath));
        }

        var generatedPaths = result.Generator.GeneratedTrees.Select(t => t.FilePath).ToHashSet();
        var inGenerated = compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Info && (d.Location.SourceTree is null || generatedPaths.Contains(d.Location.SourceTree.FilePath)))
            .ToList();
        Assert.True(inGenerated.Count == 0, string.Join("\n", inGenerated));
    }

    /// <summary>Every type and member the generated code declares, by name.</summary>
    private static List<string> Declarations(BuildResult result)
        => result.Generator.GeneratedTrees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
            .Select(m => m.Kind() + " " + m switch
            {
                BaseTypeDeclarationSyntax type => type.Identifier.Text,
                MethodDeclarationSyntax method => method.Identifier.Text,
                PropertyDeclarationSyntax property => property.Identifier.Text,
                FieldDeclarationSyntax field => string.Join(",", field.Declaration.Variables.Select(v => v.Identifier.Text)),
                _ => string.Empty,
            })
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();

    private static SyntaxTree Parse(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, s_diagnose);
        Assert.Empty(tree.GetDiagnostics());
        return tree;
    }

    private static SyntaxToken SingleLiteral(string code)
    {
        var tree = Parse(code);
        Assert.Single(tree.GetRoot().DescendantNodes().OfType<FieldDeclarationSyntax>());
        return Assert.Single(tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>()).Token;
    }

    private static void ForEach(IEnumerable<string> corpus, Action<string> check)
    {
        var failures = new List<string>();
        foreach (var text in corpus)
        {
            try
            {
                check(text);
            }
            catch (Exception exception)
            {
                failures.Add(Show(text) + ": " + exception.Message);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Show(string text)
        => string.Concat((text.Length > 80 ? text.Substring(0, 80) + "..." : text).Select(c => c < 0x20 || c > 0x7e ? $"\\u{(int)c:x4}" : c.ToString()));
}
