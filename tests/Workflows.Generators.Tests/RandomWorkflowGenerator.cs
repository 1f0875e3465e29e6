using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Workflows.Generators.Common;

namespace Workflows.Generators.Tests;

/// <summary>One random workflow with the workflows it calls: every file the compilation needs, callees first.</summary>
internal sealed record RandomWorkflow(int Seed, IReadOnlyList<(string Path, string Text)> Files)
{
    public string Show() => string.Join("\n", Files.Select(f => $"--- {f.Path} ---\n{f.Text}"));
}

/// <summary>
/// Builds random workflows that the analyzer must accept, from the whole YAML grammar (every workflow, step,
/// input, retry, compensate and schedule key; expressions over inputs, step outputs, item/index and members;
/// status functions; foreach; workflow: steps; on_failure; durable), against the fixed actions of
/// <see cref="Actions"/>. Names are drawn partly from words the generated C# uses itself (keywords, record
/// members, the emitter's locals), text partly from <see cref="HostileText"/>.
/// Everything is decided by the seed, so a failure is reproduced by its seed alone.
/// </summary>
internal sealed class RandomWorkflowGenerator
{
    /// <summary>
    /// Descriptions (workflow, step, input) drawn from <see cref="HostileText"/> too, not only from plain words.
    /// They are copied into XML documentation comments and string literals.
    /// </summary>
    public const bool HostileDescriptions = true;

    public const string Namespace = "Fuzz";

    /// <summary>The actions every random workflow calls, with a parameter named by a C# keyword.</summary>
    public const string Actions = """
        using global::System.Collections.Generic;
        using global::System.Threading;
        using global::System.Threading.Tasks;
        using global::Workflows;

        namespace Fuzz;

        public enum Level { Low, High }

        public sealed record Item(string Name, int Count, decimal Price, string? Note, string[] Tags);

        public static class FuzzActions
        {
            [WorkflowAction("f.make")]
            public static Item Make(string name, int count = 1, decimal price = 0m, string? note = null)
                => new(name, count, price, note, new[] { name });

            [WorkflowAction("f.items")]
            public static Task<Item[]> ItemsAsync(int count, CancellationToken cancellationToken)
                => Task.FromResult(new Item[count]);

            [WorkflowAction("f.text")]
            public static ValueTask<string> TextAsync(string text, StepContext context) => new(text + context.StepId);

            [WorkflowAction("f.sum")]
            public static long Sum(long a, int b = 0) => a + b;

            [WorkflowAction("f.check")]
            public static bool Check(bool flag, double ratio, Level level, char mark = 'x') => flag;

            [WorkflowAction("f.maybe")]
            public static string? Maybe(string? text, int? number = null) => text;

            [WorkflowAction("f.names")]
            public static IReadOnlyList<string> Names(string[] names) => names;

            [WorkflowAction("f.void")]
            public static void Nothing() { }

            [WorkflowAction("f.undo")]
            public static Task UndoAsync(string what, CancellationToken cancellationToken) => Task.CompletedTask;

            [WorkflowAction("f.map")]
            public static int Map(IReadOnlyDictionary<string, string> map, List<int>? numbers = null) => map.Count;

            [WorkflowAction("f.keyword")]
            public static string Keyword(string @class, int @event = 0, Level @enum = Level.Low) => @class;

            [WorkflowAction("f.when")]
            public static global::System.DateTimeOffset When(global::System.TimeSpan after = default, global::System.Guid id = default, global::System.Uri? where = null) => default;
        }

        public sealed class FuzzService
        {
            [WorkflowAction("f.price")]
            public Task<decimal> PriceAsync(Item item, CancellationToken cancellationToken) => Task.FromResult(item.Price);
        }
        """;

    /// <summary>Names the generated C# uses or reserves: keywords, record and object members, the emitter's own names.</summary>
    public static readonly string[] ReservedNames =
    {
        "class", "event", "int", "string", "namespace", "return", "default", "null", "true", "false", "static", "async",
        "await", "var", "new", "this", "base", "object", "operator", "params", "out", "ref", "in", "is", "as", "global",
        "Inputs", "Outputs", "ToString", "Equals", "GetHashCode", "Clone", "EqualityContract", "PrintMembers", "GetType",
        "MemberwiseClone", "Finalize", "Deconstruct", "ReferenceEquals", "WorkflowRegistrations", "Registration", "Descriptor",
        "WorkflowName", "RunAsync", "RunCoreAsync", "cancellationToken", "recorder", "Recorder", "inputs", "outputs", "options",
        "_options", "_workflow", "item", "index", "failure", "exception", "compensations", "value", "result", "context", "System",
        "Workflows", "Task", "_", "__", "a-b", "Step", "OnFailure", "succeeded", "Output", "output", "run_id",
    };

    /// <summary>Text that breaks naive escaping: quotes, backslashes, comment and XML ends, line separators.</summary>
    public static readonly string[] HostileText =
    {
        "\"", "\\", "*/", "/*", "</summary>", "<see cref=\"x\"/>", "&", "&amp;", "<", ">", "\u2028", "\u2029", "\u0085",
        "\r", "\n", "\t", "{0}", "{", "}", "//", "#pragma warning disable", "@\"", "\"\"\"", "'", "''", "\\u0041", "$\"{x}\"",
        "]]>", "<!--", "\u00e9\u4e2d", "\ud83d\ude00", " ", "--", "#", ": ", "- ", "%", "\\n",
    };

    private static readonly string[] Words = { "alpha", "beta", "ship", "order", "total", "x", "Name", "count" };

    private readonly Random _random;
    private readonly int _seed;
    private int _unique;

    public RandomWorkflowGenerator(int seed)
    {
        _seed = seed;
        _random = new Random(seed);
    }

    // ----- Types -----

    /// <summary>The types values and expressions take here.</summary>
    internal enum Ty { String, Int, Long, Bool, Double, Decimal, Char, Level, Item, Items, Strings, Ints, NullableString, NullableInt, Guid, TimeSpan, DateTimeOffset, Uri, StringList, Other }

    private static bool IsArray(Ty t) => t is Ty.Items or Ty.Strings or Ty.Ints or Ty.StringList;

    private static Ty ElementOf(Ty t) => t switch { Ty.Items => Ty.Item, Ty.Ints => Ty.Int, _ => Ty.String };

    private static Ty ArrayOf(Ty t) => t switch { Ty.Item => Ty.Items, Ty.String => Ty.Strings, Ty.Int => Ty.Ints, _ => Ty.Other };

    /// <summary>Types whose values a source of type <paramref name="from"/> converts to implicitly.</summary>
    private static bool Converts(Ty from, Ty to)
        => from == to
        || (from == Ty.Int && to is Ty.Long or Ty.Double or Ty.Decimal or Ty.NullableInt)
        || (from == Ty.Long && to is Ty.Double or Ty.Decimal)
        || (from == Ty.String && to == Ty.NullableString)
        || (from == Ty.Strings && to == Ty.StringList);

    private sealed record Param(string Name, Ty Type, bool Optional);

    private sealed record ActionInfo(string Name, Ty? Output, Param[] Params);

    private static readonly ActionInfo[] s_actions =
    {
        new("f.make", Ty.Item, new[] { new Param("name", Ty.String, false), new Param("count", Ty.Int, true), new Param("price", Ty.Decimal, true), new Param("note", Ty.NullableString, true) }),
        new("f.items", Ty.Items, new[] { new Param("count", Ty.Int, false) }),
        new("f.text", Ty.String, new[] { new Param("text", Ty.String, false) }),
        new("f.sum", Ty.Long, new[] { new Param("a", Ty.Long, false), new Param("b", Ty.Int, true) }),
        new("f.check", Ty.Bool, new[] { new Param("flag", Ty.Bool, false), new Param("ratio", Ty.Double, false), new Param("level", Ty.Level, false), new Param("mark", Ty.Char, true) }),
        new("f.maybe", Ty.NullableString, new[] { new Param("text", Ty.NullableString, false), new Param("number", Ty.NullableInt, true) }),
        new("f.names", Ty.StringList, new[] { new Param("names", Ty.Strings, false) }),
        new("f.void", null, Array.Empty<Param>()),
        new("f.map", Ty.Int, new[] { new Param("map", Ty.Other, false), new Param("numbers", Ty.Other, true) }),
        new("f.keyword", Ty.String, new[] { new Param("class", Ty.String, false), new Param("event", Ty.Int, true), new Param("enum", Ty.Level, true) }),
        new("f.when", Ty.DateTimeOffset, new[] { new Param("after", Ty.TimeSpan, true), new Param("id", Ty.Guid, true), new Param("where", Ty.Uri, true) }),
        new("f.price", Ty.Decimal, new[] { new Param("item", Ty.Item, false) }),
        // Built-in actions of the runtime package.
        new("log", null, new[] { new Param("message", Ty.String, false), new Param("level", Ty.Other, true) }),
        new("wait", null, new[] { new Param("duration", Ty.Other, false) }),
        new("file.write", Ty.Other, new[] { new Param("path", Ty.Other, false), new Param("content", Ty.String, false) }),
        new("file.exists", Ty.Bool, new[] { new Param("path", Ty.Other, false) }),
        new("file.read", Ty.String, new[] { new Param("path", Ty.Other, false) }),
        new("json.parse", Ty.Other, new[] { new Param("text", Ty.String, false) }),
        new("json.get", Ty.Other, new[] { new Param("json", Ty.String, false), new Param("path", Ty.Other, false) }),
        new("http.get", Ty.Other, new[] { new Param("url", Ty.Other, false), new Param("headers", Ty.Other, true) }),
        new("process.run", Ty.Other, new[] { new Param("command", Ty.Other, false), new Param("args", Ty.Strings, true) }),
    };

    private static readonly string[] s_onFailureActions = { "log", "f.text", "f.void", "file.write", "wait", "f.keyword" };

    // ----- What a workflow under construction offers to expressions -----

    private sealed record InputInfo(string Name, Ty Type, bool MayBeNull);

    private sealed class StepInfo
    {
        public required string Id { get; init; }
        public Ty? Output { get; set; }
        public bool MaybeSkipped { get; set; }
        public bool ContinueOnError { get; set; }
        public List<(string Member, Ty Type)> Members { get; } = new();
    }

    private sealed class Scope
    {
        public List<InputInfo> Inputs { get; } = new();
        public List<StepInfo> Steps { get; } = new();
        public Ty? Item { get; set; }
        public bool RunsAlways { get; set; }
        public bool InOutputs { get; set; }
        public HashSet<string> Reads { get; } = new(StringComparer.Ordinal);
        public bool NoSteps { get; set; }
    }

    /// <summary>A called workflow: its name, inputs and outputs as the caller sees them.</summary>
    private sealed record Callee(string Name, string? ClassFullName, List<(string Name, Ty Type, bool Required)> Inputs, List<(string Property, Ty Type)> Outputs, bool Durable);

    // ----- Entry -----

    public RandomWorkflow Next()
    {
        var files = new List<(string, string)>();
        var callees = new List<Callee>();
        var durable = Chance(0.25);
        for (var i = _random.Next(3) == 0 ? _random.Next(1, 3) : 0; i > 0; i--)
        {
            var (text, callee) = Workflow(callees: new List<Callee>(), durable, isCallee: true);
            files.Add(($"w{_seed}_{files.Count}.workflow.yaml", text));
            callees.Add(callee);
        }

        var (main, _) = Workflow(callees, durable, isCallee: false);
        files.Add(($"w{_seed}_main.workflow.yaml", main));
        return new RandomWorkflow(_seed, files);
    }

    private (string Text, Callee Callee) Workflow(List<Callee> callees, bool durable, bool isCallee)
    {
        var w = new StringBuilder();
        var name = $"{Pick(ReservedNames.Where(n => char.IsLetter(n[0])).ToArray())}-{_seed}-{_unique++}";
        var scope = new Scope();
        w.Append("name: ").Append(Quote(name)).Append('\n');
        string? ns = null;
        if (Chance(0.3))
        {
            ns = Pick(new[] { "Fuzz.Flows", "Fuzz.Inputs", "Fuzz.Outputs.ToString", "Fuzz.System", "Fuzz.Workflows", "Fuzz.Global", "Fuzz.WorkflowRegistrations2", "Fuzz.Task", "Fuzz.async", "Fuzz.value", "Fuzz.record", "Fuzz.file", "Fuzz.when", "Fuzz.partial", "Fuzz.required", "Fuzz.Item2", "Fuzz.Level2" });
            w.Append("namespace: ").Append(ns).Append('\n');
        }

        if (Chance(0.5))
        {
            w.Append("description: ").Append(Quote(Description())).Append('\n');
        }

        if (Chance(0.2))
        {
            w.Append("on:\n  schedule:\n    - cron: ").Append(Quote(Pick(new[] { "0 2 * * *", "*/5 * * * *", "@daily", "0 9 * * MON-FRI" }))).Append('\n');
            if (Chance(0.5))
            {
                w.Append("      timezone: ").Append(Pick(new[] { "UTC", "Europe/Berlin", "America/New_York" })).Append('\n');
            }

            if (Chance(0.5))
            {
                w.Append("      overlap: ").Append(Pick(new[] { "skip", "allow" })).Append('\n');
            }

            if (Chance(0.5))
            {
                w.Append("      catch_up: ").Append(Pick(new[] { "none", "latest" })).Append('\n');
            }

            if (Chance(0.5))
            {
                w.Append("  manual: true\n");
            }
        }

        // Inputs.
        var inputNames = new HashSet<string>(StringComparer.Ordinal);
        var inputCount = _random.Next(0, 5);
        var calleeInputs = new List<(string, Ty, bool)>();
        if (inputCount > 0)
        {
            w.Append("inputs:\n");
        }

        for (var i = 0; i < inputCount; i++)
        {
            var inputName = UniqueName(inputNames);
            while (isCallee && Workflows.Generators.Binding.SecurityChecker.LooksLikeCredentialName(inputName))
            {
                // A caller gives a callee's inputs literals, and a literal under a name such as 'cancellationToken'
                // is a credential written into the file (WF0402). The main workflow keeps such names: nothing calls it.
                inputName = UniqueName(inputNames);
            }

            var type = Pick(new[] { Ty.String, Ty.Int, Ty.Long, Ty.Bool, Ty.Double, Ty.Decimal, Ty.Char, Ty.Level, Ty.Item, Ty.Items, Ty.Strings, Ty.Ints, Ty.Guid, Ty.TimeSpan, Ty.DateTimeOffset, Ty.Uri });
            var required = Chance(0.3) && Literal(type) is not null; // a caller must be able to give it
            var defaultValue = !required && Chance(0.6) ? DefaultLiteral(type) : null;
            var mayBeNull = !required && defaultValue is null && !IsValueType(type);
            if (!required && defaultValue is null && !mayBeNull && Chance(0.3) && type == Ty.String)
            {
                mayBeNull = true;
            }

            if (!required && defaultValue is null && Chance(0.3) && !mayBeNull)
            {
                w.Append("  ").Append(Quote(inputName)).Append(": ").Append(Quote(TypeName(type))).Append('\n');
            }
            else
            {
                w.Append("  ").Append(Quote(inputName)).Append(":\n    type: ").Append(Quote(TypeName(type))).Append('\n');
                if (required || Chance(0.3))
                {
                    w.Append("    required: ").Append(required ? "true" : "false").Append('\n');
                }

                if (defaultValue is not null)
                {
                    w.Append("    default: ").Append(defaultValue).Append('\n');
                }

                if (Chance(0.4))
                {
                    w.Append("    description: ").Append(Quote(Description())).Append('\n');
                }
            }

            scope.Inputs.Add(new InputInfo(inputName, type, mayBeNull));
            calleeInputs.Add((inputName, type, required));
        }

        var workflowMaxParallel = Chance(0.3);
        if (workflowMaxParallel)
        {
            w.Append("max_parallel: ").Append(_random.Next(1, 5)).Append('\n');
        }

        if (Chance(0.3))
        {
            w.Append("timeout: ").Append(Pick(new[] { "1h", "2h30m", "1d" })).Append('\n');
        }

        var hasContext = durable;
        if (hasContext)
        {
            w.Append("json_context: Fuzz.FuzzJson\n");
            if (Chance(0.5))
            {
                w.Append("durable: true\n");
            }
        }

        // Steps.
        var stepIds = new HashSet<string>(StringComparer.Ordinal);
        w.Append("steps:\n");
        var stepCount = _random.Next(1, 8);
        for (var i = 0; i < stepCount; i++)
        {
            Step(w, scope, stepIds, callees, workflowMaxParallel, hasContext);
        }

        // Outputs: inputs and steps, a possibly skipped step only through a fallback.
        var outputs = new List<(string, Ty)>();
        var outputText = new StringBuilder();
        var outputNames = new HashSet<string>(StringComparer.Ordinal);
        var outputProperties = new HashSet<string>(StringComparer.Ordinal);
        for (var i = _random.Next(0, 4); i > 0; i--)
        {
            var type = Pick(new[] { Ty.String, Ty.Int, Ty.Long, Ty.Bool, Ty.Decimal, Ty.Item, Ty.Items, Ty.Strings, Ty.Level });
            scope.InOutputs = true;
            scope.Reads.Clear();
            var expression = Expression(type, scope, 2, requireRead: true);
            scope.InOutputs = false;
            if (expression is null || !(expression.Contains("inputs.", StringComparison.Ordinal) || expression.Contains("steps.", StringComparison.Ordinal)))
            {
                continue;
            }

            var outputName = UniqueName(outputNames);
            outputText.Append("  ").Append(Quote(outputName)).Append(": ").Append(Quote("${{ " + expression + " }}")).Append('\n');
            outputs.Add((PropertyName(outputName, outputProperties), type));
        }

        if (outputText.Length > 0)
        {
            w.Append("outputs:\n").Append(outputText);
        }

        // on_failure steps: built-ins and a StepContext action, reading failure.* and inputs.
        if (Chance(0.3))
        {
            w.Append("on_failure:\n");
            var earlier = new List<string>();
            for (var i = _random.Next(1, 3); i > 0; i--)
            {
                var id = UniqueName(stepIds);
                var action = Pick(s_onFailureActions);
                w.Append("  - id: ").Append(Quote(id)).Append('\n');
                w.Append("    action: ").Append(action).Append('\n');
                if (earlier.Count > 0 && Chance(0.5))
                {
                    w.Append("    depends_on: ").Append(Quote(Pick(earlier.ToArray()))).Append('\n');
                }

                var failureScope = new Scope { NoSteps = true };
                failureScope.Inputs.AddRange(scope.Inputs);
                var text = Quote(Pick(Words) + " ${{ failure.step }}: ${{ failure.message }} " + Interpolation(failureScope));
                switch (action)
                {
                    case "log":
                        w.Append("    with: { message: ").Append(text).Append(" }\n");
                        break;
                    case "f.text":
                        w.Append("    with: { text: ").Append(text).Append(" }\n");
                        break;
                    case "f.keyword":
                        w.Append("    with: { class: ").Append(text).Append(" }\n");
                        break;
                    case "file.write":
                        w.Append("    with: { path: out/failure.txt, content: ").Append(text).Append(" }\n");
                        break;
                    case "wait":
                        w.Append("    with: { duration: 1ms }\n");
                        break;
                }

                earlier.Add(id);
            }
        }

        var className = Identifiers.ToPascalCase(name);
        className = className.EndsWith("Workflow", StringComparison.Ordinal) ? className : className + "Workflow";
        var full = (ns ?? "TestApp") + "." + className;
        return (w.ToString(), new Callee(name, full, calleeInputs, outputs, hasContext));
    }

    private void Step(StringBuilder w, Scope scope, HashSet<string> stepIds, List<Callee> callees, bool workflowMaxParallel, bool durable)
    {
        var id = UniqueName(stepIds);
        var info = new StepInfo { Id = id };
        var step = new StringBuilder();
        step.Append("  - id: ").Append(Quote(id)).Append('\n');
        if (Chance(0.2))
        {
            step.Append("    name: ").Append(Quote(Description())).Append('\n');
        }

        if (Chance(0.2))
        {
            step.Append("    description: ").Append(Quote(Description())).Append('\n');
        }

        var chosen = new List<string>();
        if (scope.Steps.Count > 0 && Chance(0.4))
        {
            chosen.AddRange(scope.Steps.Where(_ => Chance(0.4)).Select(s => s.Id));
        }

        // if: with status functions; a step that runs always reads no step it could see skipped.
        string? condition = null;
        var runsAlways = false;
        var justAlways = false;
        if (Chance(0.3))
        {
            var continuing = scope.Steps.Where(s => s.ContinueOnError).ToList();
            var pick = _random.Next(6);
            if (pick == 0)
            {
                condition = "${{ always() }}";
                runsAlways = justAlways = true;
            }
            else if (pick == 1)
            {
                condition = "${{ success() }}";
            }
            else if (pick == 2 && continuing.Count > 0)
            {
                var on = Pick(continuing.ToArray());
                if (!chosen.Contains(on.Id))
                {
                    chosen.Add(on.Id);
                }

                condition = Chance(0.5) ? "${{ failure() }}" : $"${{{{ always() && steps.{on.Id}.outcome == 'failure' }}}}";
                runsAlways = true;
            }
            else
            {
                scope.Reads.Clear();
                var test = Expression(Ty.Bool, scope, 2, requireRead: false);
                condition = test is null ? "${{ true }}" : Chance(0.2) && !test.Contains('\'') && !test.Contains('"') ? test : "${{ " + test + " }}";
            }
        }

        if (chosen.Count == 1 && Chance(0.5))
        {
            step.Append("    depends_on: ").Append(Quote(chosen[0])).Append('\n');
        }
        else if (chosen.Count > 0)
        {
            step.Append("    depends_on: [").Append(string.Join(", ", chosen.Select(Quote))).Append("]\n");
        }

        // foreach: over an input or a step output array.
        scope.RunsAlways = runsAlways;
        scope.Reads.Clear();
        string? forEach = null;
        scope.Item = null;
        if (Chance(0.25))
        {
            var arrayType = Pick(new[] { Ty.Items, Ty.Strings, Ty.Ints });
            var source = Atom(arrayType, scope, allowLiteral: false);
            if (source is not null)
            {
                forEach = source;
                scope.Item = ElementOf(arrayType);
            }
        }

        var useWorkflow = callees.Count > 0 && Chance(0.5);
        if (useWorkflow)
        {
            var callee = Pick(callees.ToArray());
            step.Append("    workflow: ").Append(Quote(callee.Name)).Append('\n');
            AppendForEach();
            var with = new StringBuilder();
            foreach (var (inputName, type, required) in callee.Inputs)
            {
                if (!required && Chance(0.5))
                {
                    continue;
                }

                if (Value(type, scope) is { } value)
                {
                    with.Append("      ").Append(Quote(inputName)).Append(": ").Append(value).Append('\n');
                }
                else if (required)
                {
                    with.Append("      ").Append(Quote(inputName)).Append(": ").Append(Literal(type) ?? "x").Append('\n');
                }
            }

            if (with.Length > 0)
            {
                step.Append("    with:\n").Append(with);
            }

            if (callee.Outputs.Count > 0)
            {
                info.Output = forEach is null ? Ty.Other : Ty.Other;
                if (forEach is null)
                {
                    info.Members.AddRange(callee.Outputs.Select(o => (o.Property, o.Type)));
                }
            }
        }
        else
        {
            // An action whose every required parameter gets a value here (an Item needs an input or a step that makes one).
            ActionInfo action;
            StringBuilder? with;
            var tries = 0;
            do
            {
                action = tries++ < 10 ? Pick(s_actions) : s_actions.First(a => a.Name == "f.void");
                with = new StringBuilder();
                foreach (var parameter in action.Params)
                {
                    if (parameter.Optional && Chance(0.5))
                    {
                        continue;
                    }

                    var value = BuiltInValue(action.Name, parameter) ?? Value(parameter.Type, scope) ?? Literal(parameter.Type);
                    if (value is null && !parameter.Optional)
                    {
                        with = null;
                        break;
                    }

                    if (value is not null)
                    {
                        with.Append("      ").Append(parameter.Name).Append(": ").Append(value).Append('\n');
                    }
                }
            }
            while (with is null);

            step.Append("    action: ").Append(action.Name).Append('\n');
            AppendForEach();

            if (with.Length > 0)
            {
                step.Append("    with:\n").Append(with);
            }

            info.Output = forEach is null ? action.Output : action.Output is { } element ? ArrayOf(element) : null;
        }

        if (Chance(0.15))
        {
            step.Append("    timeout: ").Append(Pick(new[] { "10s", "1m", "500ms", "1m30s" })).Append('\n');
        }

        if (Chance(0.15))
        {
            step.Append("    retry:\n      max_attempts: ").Append(_random.Next(1, 5)).Append('\n');
            if (Chance(0.5))
            {
                step.Append("      delay: 10ms\n");
            }

            if (Chance(0.5))
            {
                step.Append("      backoff: ").Append(Pick(new[] { "constant", "linear", "exponential" })).Append('\n');
            }

            if (Chance(0.5))
            {
                step.Append("      max_delay: 1s\n");
            }

            if (Chance(0.5))
            {
                step.Append("      jitter: ").Append(Chance(0.5) ? "true" : "false").Append('\n');
            }

            if (Chance(0.5))
            {
                step.Append("      on: [System.TimeoutException, System.IO.IOException]\n");
            }
        }

        if (Chance(0.15))
        {
            step.Append("    on_error: ").Append(Chance(0.8) ? "continue" : "fail").Append('\n');
            info.ContinueOnError = step.ToString().Contains("on_error: continue", StringComparison.Ordinal);
        }

        if (!useWorkflow && forEach is null && Chance(0.15))
        {
            var undoScope = new Scope { NoSteps = true };
            undoScope.Inputs.AddRange(scope.Inputs);
            step.Append("    compensate:\n      action: f.undo\n      with: { what: ").Append(Value(Ty.String, undoScope) ?? "x").Append(" }\n");
        }

        if (condition is not null)
        {
            step.Append("    if: ").Append(Quote(condition)).Append('\n');
        }

        // The steps this one reads are those its text names: scope.Reads also holds atoms drawn and then not
        // used (an expression draws several candidates and keeps one), and a step judged maybe-skipped for a
        // read it never makes would get a '??' the analyzer rightly calls pointless (WF0110, seed 21262).
        var text = step.ToString();
        var dependencies = new HashSet<string>(chosen, StringComparer.Ordinal);
        dependencies.UnionWith(scope.Steps.Where(s => text.Contains("steps." + s.Id + ".", StringComparison.Ordinal)).Select(s => s.Id));
        var ownCondition = condition is not null && !justAlways;
        info.MaybeSkipped = ownCondition || (!runsAlways && scope.Steps.Any(s => dependencies.Contains(s.Id) && (s.MaybeSkipped || s.ContinueOnError)));
        if (info.Output is Ty.Item)
        {
            info.Members.AddRange(new[] { ("Name", Ty.String), ("Count", Ty.Int), ("Price", Ty.Decimal), ("Tags", Ty.Strings) });
        }

        scope.Item = null;
        scope.RunsAlways = false;
        scope.Steps.Add(info);
        w.Append(step);

        void AppendForEach()
        {
            if (forEach is null)
            {
                return;
            }

            step.Append("    foreach: ").Append(Quote("${{ " + forEach + " }}")).Append('\n');
            if (!workflowMaxParallel || Chance(0.3))
            {
                step.Append("    max_parallel: ").Append(_random.Next(1, 5)).Append('\n');
            }
        }
    }

    /// <summary>Values a built-in needs in its own format (paths under the root, durations, https URLs).</summary>
    private string? BuiltInValue(string action, Param parameter) => (action, parameter.Name) switch
    {
        ("log", "level") => Pick(new[] { "information", "warning", "debug" }),
        ("wait", "duration") => Pick(new[] { "1ms", "10ms" }),
        (_, "path") when action.StartsWith("file.", StringComparison.Ordinal) => Quote("out/" + Pick(Words) + ".txt"),
        ("json.get", "path") => Quote("$.items[0].name"),
        ("http.get", "url") => Quote("https://example.com/" + Pick(Words)),
        ("http.get", "headers") => "{ Accept: text/plain, X-Token: \"${{ secrets.FUZZ_TOKEN }}\" }",
        ("process.run", "command") => "echo",
        ("f.map", "numbers") => "[1, \"${{ 2 }}\", -3]",
        ("f.map", "map") => "{ a: " + Quote(Pick(HostileText)) + ", class: \"${{ 'x' }}\" }",
        _ => null,
    };

    // ----- Values and expressions -----

    /// <summary>A with: value of <paramref name="type"/>: a literal, one expression, or text with expressions in it.</summary>
    private string? Value(Ty type, Scope scope)
    {
        if (type == Ty.String && Chance(0.3))
        {
            return Quote(Pick(Words) + Pick(HostileText) + " " + Interpolation(scope) + Pick(HostileText));
        }

        if (Chance(0.5))
        {
            if (Expression(type, scope, 2, requireRead: false) is { } expression)
            {
                return Quote("${{ " + expression + " }}");
            }
        }

        if (type == Ty.Strings && Chance(0.5))
        {
            return "[" + Quote(Pick(HostileText)) + ", " + Quote("${{ " + (Expression(Ty.String, scope, 1, false) ?? "'y'") + " }}") + "]";
        }

        return Literal(type);
    }

    private string Interpolation(Scope scope)
    {
        var type = Pick(new[] { Ty.String, Ty.Int, Ty.Long, Ty.Bool, Ty.Decimal, Ty.Double, Ty.Char, Ty.Level });
        return "${{ " + (Expression(type, scope, 1, requireRead: false) ?? "'" + Pick(Words) + "'") + " }}";
    }

    private string? Literal(Ty type) => type switch
    {
        Ty.String or Ty.NullableString => Quote(Pick(Words) + Pick(HostileText) + Pick(ReservedNames)),
        Ty.Int or Ty.NullableInt => _random.Next(-5, 100).ToString(CultureInfo.InvariantCulture),
        Ty.Long => Pick(new[] { "0", "9223372036854775807", "-9223372036854775808", "42" }),
        Ty.Bool => Pick(new[] { "true", "false", "True", "FALSE" }),
        Ty.Double => Pick(new[] { "1.5", "2e3", "-0.25", "3" }),
        Ty.Decimal => Pick(new[] { "1.5", "10", "0.0001", "-3" }),
        Ty.Char => Pick(new[] { "x", "\"'\"", "'\"'", "\"\\\\\"" }),
        Ty.Level => Pick(new[] { "low", "High", "LOW" }),
        Ty.Strings => "[" + Quote(Pick(HostileText)) + ", " + Pick(Words) + "]",
        Ty.Ints => "[1, 2, -3]",
        _ => null,
    };

    private string? DefaultLiteral(Ty type) => type switch
    {
        Ty.Strings => Chance(0.3) ? "[]" : "[" + Quote(Pick(HostileText)) + ", " + Quote(Pick(ReservedNames)) + "]",
        Ty.Ints => Chance(0.3) ? "[]" : "[1, -2, 2147483647]",
        _ => Literal(type),
    };

    /// <summary>An expression (without <c>${{ }}</c>) of a type that converts to <paramref name="type"/>, or null.</summary>
    private string? Expression(Ty type, Scope scope, int depth, bool requireRead)
    {
        var atom = Atom(type, scope, allowLiteral: !requireRead);
        if (depth <= 0 || Chance(0.5))
        {
            return atom;
        }

        switch (type)
        {
            case Ty.String when Chance(0.5):
                var any = Pick(new[] { Ty.Int, Ty.Bool, Ty.String, Ty.Decimal, Ty.Char, Ty.Long });
                var arg = Expression(any, scope, depth - 1, requireRead) ?? "1";
                return Pick(new[] { $"format('{{0}}-{{1}}', {arg}, {atom ?? "'z'"})", $"toJson({arg})", $"({atom ?? "'a'"} + ({arg}))", $"'{Pick(Words)}' + ({arg})" });
            case Ty.Int or Ty.Long or Ty.Decimal or Ty.Double when atom is not null && (char.IsLetter(atom[0]) || atom[0] == '('):
                // A name, not a literal: '0.5 + length(x)' would be a double, whatever the target.
                var text = Atom(Ty.String, scope, allowLiteral: true);
                var array = Atom(Pick(new[] { Ty.Strings, Ty.Items, Ty.Ints }), scope, allowLiteral: false);
                return Pick(new[]
                {
                    text is null ? atom : $"length({text})",
                    array is null ? atom : $"length({array})",
                    atom is null ? null : $"{atom} + ({Expression(Ty.Int, scope, depth - 1, false) ?? "1"})",
                    atom is null ? null : $"{atom} - -1",
                    atom is null || !char.IsLetter(atom[0]) ? null : $"-{atom}",
                }) ?? atom;
            case Ty.Bool:
                var number = Atom(Pick(new[] { Ty.Int, Ty.Decimal, Ty.Long }), scope, allowLiteral: false);
                var s = Atom(Ty.String, scope, allowLiteral: false);
                var level = Atom(Ty.Level, scope, allowLiteral: false);
                var strings = Atom(Ty.Strings, scope, allowLiteral: false);
                return Pick(new[]
                {
                    number is null ? atom : $"{number} >= {Pick(new[] { "0", "1.5", "-9223372036854775809" })}",
                    s is null ? atom : Pick(new[] { $"contains({s}, '{Pick(Words)}')", $"startsWith({s}, 'a')", $"endsWith({s}, '''')", $"{s} == 'x'", $"{s} != null" }),
                    level is null ? atom : $"{level} == {level}",
                    strings is null ? atom : $"contains({strings}, 'x')",
                    atom is null ? null : $"!{atom}",
                    atom is null ? null : $"({atom} && {Expression(Ty.Bool, scope, depth - 1, false) ?? "true"}) || false",
                }) ?? atom;
            default:
                return atom;
        }
    }

    /// <summary>A name of <paramref name="type"/>: an input, a step output or one of its members, item/index, or a literal.</summary>
    private string? Atom(Ty type, Scope scope, bool allowLiteral)
    {
        var candidates = new List<(string Code, string? Step)>();
        foreach (var input in scope.Inputs)
        {
            if (Converts(input.Type, type) && !input.MayBeNull)
            {
                candidates.Add(($"inputs.{input.Name}", null));
            }
            else if (input.MayBeNull && input.Type == Ty.String && type is Ty.String && ExpressionLiteral(Ty.String) is { } fallback)
            {
                candidates.Add(($"(inputs.{input.Name} ?? {fallback})", null));
            }
            else if (input.MayBeNull && input.Type == Ty.String && type is Ty.NullableString)
            {
                candidates.Add(($"inputs.{input.Name}", null));
            }

            if (!input.MayBeNull && input.Type == Ty.Item)
            {
                AddMembers($"inputs.{input.Name}", null, Ty.Item);
            }

            if (!input.MayBeNull && input.Type is Ty.Items or Ty.Strings or Ty.Ints && Converts(ElementOf(input.Type), type) && Chance(0.3))
            {
                candidates.Add(($"inputs.{input.Name}[0]", null));
            }
        }

        if (!scope.NoSteps)
        {
            foreach (var step in scope.Steps)
            {
                // Outputs and always-running steps read a step that may not succeed only through '??'.
                var unsafeRead = (scope.InOutputs || scope.RunsAlways) && (step.MaybeSkipped || step.ContinueOnError);
                if (step.Output is { } output && output != Ty.Other && Converts(output, type))
                {
                    if (!unsafeRead)
                    {
                        candidates.Add(($"steps.{step.Id}.output", step.Id));
                    }
                    else if (ExpressionLiteral(output) is { } fallback && output is not Ty.NullableString)
                    {
                        candidates.Add(($"(steps.{step.Id}.output ?? {fallback})", step.Id));
                    }
                }

                if (step.Output == Ty.NullableString && type == Ty.String && !unsafeRead)
                {
                    candidates.Add(($"(steps.{step.Id}.output ?? 'none')", step.Id));
                }

                if (!unsafeRead)
                {
                    foreach (var (member, memberType) in step.Members)
                    {
                        if (Converts(memberType, type))
                        {
                            candidates.Add(($"steps.{step.Id}.output.{member}", step.Id));
                        }
                    }
                }

                if (!unsafeRead && step.Output is { } array && IsArray(array) && Converts(ElementOf(array), type) && array != Ty.StringList)
                {
                    candidates.Add(($"steps.{step.Id}.output[0]", step.Id));
                }
            }
        }

        if (scope.Item is { } item)
        {
            if (Converts(item, type))
            {
                candidates.Add(("item", null));
            }

            if (item == Ty.Item)
            {
                AddMembers("item", null, Ty.Item);
            }

            if (Converts(Ty.Int, type))
            {
                candidates.Add(("index", null));
            }
        }

        if (allowLiteral && ExpressionLiteral(type) is { } literal)
        {
            candidates.Add((literal, null));
        }

        if (type == Ty.NullableString && allowLiteral)
        {
            candidates.Add(("null", null));
            candidates.Add(("null ?? null", null));
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        var (code, reads) = candidates[_random.Next(candidates.Count)];
        if (reads is not null)
        {
            scope.Reads.Add(reads);
        }

        return code;

        void AddMembers(string target, string? step, Ty of)
        {
            foreach (var (member, memberType) in new[] { ("Name", Ty.String), ("Count", Ty.Int), ("Price", Ty.Decimal), ("Tags", Ty.Strings) })
            {
                if (Converts(memberType, type))
                {
                    candidates.Add(($"{target}.{member}", step));
                }
            }
        }
    }

    private string? ExpressionLiteral(Ty type) => type switch
    {
        Ty.String => "'" + (Pick(Words) + Pick(HostileText.Where(t => t.All(c => c >= ' ' && c < 0x7f)).ToArray())).Replace("'", "''", StringComparison.Ordinal) + "'",
        Ty.Int => Pick(new[] { "0", "7", "-2147483648", "2147483647" }),
        Ty.Long => Pick(new[] { "9223372036854775807", "-9223372036854775808", "3" }),
        Ty.Double => Pick(new[] { "1.5", "2e3", "1e300" }),
        Ty.Decimal => Pick(new[] { "0.5", "79228162514264337593543950335", "-9223372036854775809" }),
        Ty.Bool => Pick(new[] { "true", "false" }),
        _ => null,
    };

    // ----- Helpers -----

    private static bool IsValueType(Ty type) => type is not (Ty.String or Ty.Item or Ty.Items or Ty.Strings or Ty.Ints or Ty.Uri);

    private static string TypeName(Ty type) => type switch
    {
        Ty.String => "string",
        Ty.Int => "int",
        Ty.Long => "long",
        Ty.Bool => "bool",
        Ty.Double => "double",
        Ty.Decimal => "decimal",
        Ty.Char => "char",
        Ty.Level => "Fuzz.Level",
        Ty.Item => "Fuzz.Item",
        Ty.Items => "Fuzz.Item[]",
        Ty.Strings => "string[]",
        Ty.Ints => "int[]",
        Ty.Guid => "Guid",
        Ty.TimeSpan => "TimeSpan",
        Ty.DateTimeOffset => "DateTimeOffset",
        Ty.Uri => "Uri",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The C# property the generator gives an input or output (see WorkflowBinder.RecordPropertyName).</summary>
    private static string PropertyName(string name, HashSet<string> used)
    {
        var pascal = Identifiers.ToPascalCase(name);
        string[] reserved = { "Inputs", "Outputs", "ToString", "Equals", "GetHashCode", "Clone", "EqualityContract", "PrintMembers", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "Deconstruct" };
        var candidate = Array.IndexOf(reserved, pascal) >= 0 ? pascal + "Value" : pascal;
        if (candidate.Length == 0 || char.IsDigit(candidate[0]))
        {
            candidate = "Step" + candidate;
        }

        var result = candidate;
        for (var n = 2; !used.Add(result); n++)
        {
            result = candidate + n.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }

    private string UniqueName(HashSet<string> used)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = attempt < 3 && Chance(0.6) ? Pick(ReservedNames) : Pick(Words) + "_" + _random.Next(100).ToString(CultureInfo.InvariantCulture);
            if (used.Add(name))
            {
                return name;
            }
        }
    }

    private string Description()
        => HostileDescriptions && Chance(0.6)
            ? string.Concat(Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Pick(HostileText) + Pick(ReservedNames)))
            : Pick(Words) + " " + Pick(ReservedNames);

    private bool Chance(double p) => _random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A YAML double-quoted scalar: every character outside printable ASCII escaped.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The JSON context durable workflows name: every type they store, the called workflows' records included.</summary>
    public static string JsonContext(IEnumerable<string> generatedRecords)
    {
        var types = new[]
            {
                "global::Fuzz.Item", "global::Fuzz.Item[]", "global::Fuzz.Level", "global::System.Collections.Generic.IReadOnlyList<string>", "string[]", "int[]",
                "global::Workflows.BuiltIns.HttpResult", "global::Workflows.BuiltIns.FileResult", "global::Workflows.BuiltIns.ProcessResult",
                "global::Workflows.BuiltIns.JsonGetResult", "global::System.Text.Json.Nodes.JsonNode",
            }
            .Concat(generatedRecords);
        return "namespace Fuzz\n{\n"
            + string.Concat(types.Select(t => $"    [global::System.Text.Json.Serialization.JsonSerializable(typeof({t}))]\n"))
            + """
                public sealed partial class FuzzJson : global::System.Text.Json.Serialization.JsonSerializerContext
                {
                    public FuzzJson() : base(null) { }
                    public static FuzzJson Default { get; } = new();
                    protected override global::System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(global::System.Type type) => null;
                }
            }
            """;
    }
}
