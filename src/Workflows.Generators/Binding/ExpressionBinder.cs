using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Expressions;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>
/// Type-checks <c>${{ }}</c> expressions against the workflow's inputs, its steps' outputs and the C# types
/// behind them, and compiles each to plain C#: direct member access on typed values, no reflection.
/// </summary>
internal sealed class ExpressionBinder
{
    private readonly TypeCatalog _types;
    private readonly IReadOnlyDictionary<string, InputSpec> _inputs;
    private readonly IReadOnlyDictionary<string, string> _inputTypes;
    private readonly IReadOnlyDictionary<string, StepReference> _steps;
    private readonly List<DiagnosticInfo> _diagnostics;

    public ExpressionBinder(
        TypeCatalog types,
        IReadOnlyDictionary<string, InputSpec> inputs,
        IReadOnlyDictionary<string, string> inputTypes,
        IReadOnlyDictionary<string, StepReference> steps,
        List<DiagnosticInfo> diagnostics,
        string? onFailureStep = null)
    {
        OnFailureStep = onFailureStep;
        _types = types;
        _inputs = inputs;
        _inputTypes = inputTypes;
        _steps = steps;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// Set while binding an <c>on_failure</c> step: <c>failure.step</c> and <c>failure.message</c> become
    /// readable, and reading a step's output is an error (the step may not have run).
    /// </summary>
    public string? OnFailureStep { get; set; }

    /// <summary>The value whose text is being bound, for positions; set per call.</summary>
    private ArgumentValue _source = null!;

    /// <summary>Status functions (<c>always()</c>, <c>success()</c>) are allowed only in <c>if:</c>.</summary>
    private string? _successCode;

    /// <summary>C# for <c>failure()</c>; set with <see cref="_successCode"/>.</summary>
    private string? _failureCode;

    /// <summary>
    /// Binds a value that may contain <c>${{ }}</c>: a single hole takes the expression's type, text with
    /// holes becomes an invariant-culture interpolated string. Returns null after reporting a problem.
    /// </summary>
    /// <param name="bare">True for <c>if:</c>, whose whole text may be an expression without <c>${{ }}</c>.</param>
    /// <param name="successCode">C# for <c>success()</c> (all dependencies succeeded); null where status functions are not allowed.</param>
    /// <param name="failureCode">C# for <c>failure()</c> (a dependency failed under <c>on_error: continue</c>).</param>
    public BoundExpression? BindValue(ArgumentValue value, bool bare = false, string? successCode = null, string? failureCode = null)
    {
        _source = value;
        _successCode = successCode;
        _failureCode = failureCode ?? "false";
        var text = InterpolatedText.Split(value.Text);
        if (text.Error is { } splitError)
        {
            Report(DiagnosticDescriptors.ExpressionSyntaxError, value.SpanOf(splitError.Start, splitError.Length), splitError.Message);
            return null;
        }

        if (!text.HasExpressions)
        {
            return bare ? BindExpressionText(0, value.Text.Length) : null;
        }

        if (text.SingleExpression is { } single)
        {
            return BindExpressionText(single.Start, single.Length);
        }

        var holes = new StringBuilder();
        var reads = new List<(int, SourceSpan)>();
        var ok = true;
        foreach (var part in text.Parts)
        {
            switch (part)
            {
                case TextPart literal:
                    holes.Append(CSharpText.InterpolatedText(literal.Text));
                    break;
                case ExpressionPart hole:
                    var bound = BindExpressionText(hole.Start, hole.Length);
                    if (bound is null)
                    {
                        ok = false;
                        break;
                    }

                    reads.AddRange(bound.UnguardedReads ?? Array.Empty<(int, SourceSpan)>());
                    holes.Append('{').Append('(').Append(bound.Code).Append(")}");
                    break;
            }
        }

        if (!ok)
        {
            return null;
        }

        return new BoundExpression(InterpolatedLiteral(holes.ToString()), TypeCatalog.String, UnguardedReads: reads);
    }

    /// <summary>True when the value reads a <c>secrets.NAME</c> anywhere (for the WF04xx checks).</summary>
    public static bool ReadsSecrets(ArgumentValue value)
        => value.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping
            ? value.Scalars().Any(ReadsSecrets)
            : value.Text.IndexOf("secrets", StringComparison.Ordinal) >= 0
                && Walk(ParseAll(value)).Any(n => n is MemberAccessExpression { Target: IdentifierExpression { Name: "secrets" } });

    /// <summary>The step indexes an expression value reads, found without binding (they decide the batches).</summary>
    public static IEnumerable<string> ReferencedSteps(ArgumentValue value, bool bare)
    {
        if (value.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping)
        {
            foreach (var id in value.Scalars().SelectMany(item => ReferencedSteps(item, bare: false)))
            {
                yield return id;
            }

            yield break;
        }

        var text = InterpolatedText.Split(value.Text);
        if (text.Error is not null)
        {
            yield break;
        }

        var spans = new List<(int Start, int Length)>();
        if (!text.HasExpressions)
        {
            if (bare)
            {
                spans.Add((0, value.Text.Length));
            }
        }
        else
        {
            spans.AddRange(text.Parts.OfType<ExpressionPart>().Select(p => (p.Start, p.Length)));
        }

        foreach (var (start, length) in spans)
        {
            var parsed = ExpressionParser.Parse(value.Text, start, length);
            if (parsed.Expression is null)
            {
                continue;
            }

            foreach (var id in StepIds(parsed.Expression))
            {
                yield return id;
            }
        }
    }

    /// <summary>True when the value reads an input or a step: a workflow output must.</summary>
    public static bool ReadsAnything(ArgumentValue value)
        => Walk(ParseAll(value)).Any(n => n is MemberAccessExpression { Target: IdentifierExpression { Name: "inputs" or "steps" } });

    /// <summary>True when the value calls always(), success() or failure(), whose values only a run knows.</summary>
    public static bool CallsStatusFunction(ArgumentValue value)
        => Walk(ParseAll(value)).Any(n => n is CallExpression { Name: "always" or "success" or "failure" });

    /// <summary>True when the whole value is <c>always()</c>: such a step is never skipped.</summary>
    public static bool IsJustAlways(ArgumentValue value)
    {
        var all = ParseAll(value).ToList();
        return all.Count == 1 && all[0] is CallExpression { Name: "always", Arguments.Count: 0 };
    }

    /// <summary>
    /// True when the value calls <c>always()</c> or <c>failure()</c>: the step then decides for itself whether
    /// to run when a dependency was skipped or failed.
    /// </summary>
    public static bool CallsAlways(ArgumentValue value)
        => (value.Text.IndexOf("always", StringComparison.Ordinal) >= 0 || value.Text.IndexOf("failure", StringComparison.Ordinal) >= 0)
        && Walk(ParseAll(value)).Any(n => n is CallExpression { Name: "always" or "failure" });

    private static IEnumerable<ExpressionSyntax> ParseAll(ArgumentValue value)
    {
        var text = InterpolatedText.Split(value.Text);
        if (text.Error is not null)
        {
            yield break;
        }

        if (!text.HasExpressions)
        {
            if (ExpressionParser.Parse(value.Text).Expression is { } whole)
            {
                yield return whole;
            }

            yield break;
        }

        foreach (var part in text.Parts.OfType<ExpressionPart>())
        {
            if (ExpressionParser.Parse(value.Text, part.Start, part.Length).Expression is { } expression)
            {
                yield return expression;
            }
        }
    }

    private static IEnumerable<string> StepIds(ExpressionSyntax root)
    {
        foreach (var node in Walk(new[] { root }))
        {
            if (node is MemberAccessExpression { Target: IdentifierExpression { Name: "steps" } } access)
            {
                yield return access.Name;
            }
        }
    }

    private static IEnumerable<ExpressionSyntax> Walk(IEnumerable<ExpressionSyntax> roots)
    {
        var stack = new Stack<ExpressionSyntax>(roots);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            switch (node)
            {
                case MemberAccessExpression m:
                    stack.Push(m.Target);
                    break;
                case IndexExpression i:
                    stack.Push(i.Target);
                    stack.Push(i.Index);
                    break;
                case CallExpression c:
                    foreach (var argument in c.Arguments)
                    {
                        stack.Push(argument);
                    }

                    break;
                case UnaryExpression u:
                    stack.Push(u.Operand);
                    break;
                case BinaryExpression b:
                    stack.Push(b.Left);
                    stack.Push(b.Right);
                    break;
            }
        }
    }

    /// <summary>Converts <paramref name="value"/> to <paramref name="type"/> if C# would do so implicitly.</summary>
    public BoundExpression? Convert(BoundExpression value, string type)
    {
        if (value.NumberLiteral is { } number && TypeCatalog.IsNumeric(type) && NumberAs(number, type) is { } code)
        {
            return value with { Code = code, Type = type, NumberLiteral = null };
        }

        return _types.IsImplicitlyConvertible(value.Type, type) ? value : null;
    }

    public string Display(string type) => _types.Display(type);

    private BoundExpression? BindExpressionText(int start, int length)
    {
        var parsed = ExpressionParser.Parse(_source.Text, start, length);
        if (parsed.Error is { } error)
        {
            Report(DiagnosticDescriptors.ExpressionSyntaxError, _source.SpanOf(error.Start, Math.Max(1, error.Length)), error.Message);
            return null;
        }

        return Bind(parsed.Expression!);
    }

    private BoundExpression? Bind(ExpressionSyntax node) => node switch
    {
        LiteralExpression literal => BindLiteral(literal),
        IdentifierExpression { Name: "item" or "index" } loopVariable => BindLoopVariable(loopVariable),
        IdentifierExpression identifier => Fail(identifier, identifier.Name is "inputs" or "steps" or "secrets"
            ? $"'{identifier.Name}' needs a name after it, as in {(identifier.Name == "inputs" ? "inputs.<name>" : identifier.Name == "secrets" ? "secrets.<NAME>" : "steps.<id>.output")}."
            : $"Unknown name '{identifier.Name}'. Expressions read inputs.<name> and steps.<id>.output."),
        MemberAccessExpression member => BindMember(member),
        IndexExpression index => BindIndex(index),
        CallExpression call => BindCall(call),
        UnaryExpression unary => BindUnary(unary),
        BinaryExpression binary => BindBinary(binary),
        _ => Fail(node, "Unsupported expression."),
    };

    /// <summary>
    /// Set while binding the <c>with:</c> of a <c>foreach</c> step: the element type, which <c>item</c> takes
    /// (<c>index</c> is the item's position). Null elsewhere, where both are errors.
    /// </summary>
    public string? LoopItemType { get; set; }

    private BoundExpression? BindLoopVariable(IdentifierExpression identifier)
    {
        if (LoopItemType is not { } itemType)
        {
            Report(DiagnosticDescriptors.LoopVariableOutsideForEach, _source.SpanOf(identifier.Start, identifier.Name.Length), identifier.Name);
            return null;
        }

        return identifier.Name == "item"
            ? new BoundExpression("item", itemType)
            : new BoundExpression("index", TypeCatalog.Int);
    }

    private BoundExpression? BindLiteral(LiteralExpression literal)
    {
        switch (literal.Kind)
        {
            case LiteralExpressionKind.String:
                return new BoundExpression(CSharpText.StringLiteral((string)literal.Value!), TypeCatalog.String);
            case LiteralExpressionKind.Boolean:
                return new BoundExpression((bool)literal.Value! ? "true" : "false", TypeCatalog.Bool);
            case LiteralExpressionKind.Null:
                return new BoundExpression("null", TypeCatalog.Null);
            default:
                var text = literal.Text;
                var type = NaturalType(text);
                return NumberAs(text, type) is { } code
                    ? new BoundExpression(code, type, NumberLiteral: text)
                    : Fail(literal, $"The number {text} is out of the range of a double.");
        }
    }

    /// <summary>
    /// The type a number literal has on its own, as in C#: int, else long, else (too large for C#'s integer
    /// literals, which would not compile) decimal, else double. A literal still takes its context's type.
    /// </summary>
    private static string NaturalType(string number)
        => !IsWhole(number) ? TypeCatalog.Double
            : NumberAs(number, TypeCatalog.Int) is not null ? TypeCatalog.Int
            : NumberAs(number, TypeCatalog.Long) is not null ? TypeCatalog.Long
            : NumberAs(number, TypeCatalog.Decimal) is not null ? TypeCatalog.Decimal
            : TypeCatalog.Double;

    private BoundExpression? BindMember(MemberAccessExpression access)
    {
        var nameSpan = _source.SpanOf(access.NameStart, access.Name.Length);
        switch (access.Target)
        {
            case IdentifierExpression { Name: "inputs" }:
                if (!_inputs.TryGetValue(access.Name, out var input))
                {
                    Report(DiagnosticDescriptors.UnknownInput, nameSpan, access.Name, NameSuggester.Hint(access.Name, _inputs.Keys, otherwise: "."));
                    return null;
                }

                return new BoundExpression("inputs." + input.PropertyName, _inputTypes[access.Name], MaybeNull: input.Type.EndsWith("?", StringComparison.Ordinal));

            case IdentifierExpression { Name: "steps" }:
                return Fail(access, $"'steps.{access.Name}' needs '.output' after it.");

            case IdentifierExpression { Name: "secrets" }:
                // Read when the step runs, from WorkflowOptions.Secrets (environment variables by default).
                return new BoundExpression(
                    $"global::Workflows.Runtime.SecretRedactor.Get(_options, WorkflowName, {CSharpText.StringLiteral(access.Name)})",
                    TypeCatalog.String);

            case IdentifierExpression { Name: "failure" } when OnFailureStep is not null:
                return access.Name switch
                {
                    "step" => new BoundExpression("failure.StepId", TypeCatalog.String),
                    "message" => new BoundExpression("failure.CauseMessage", TypeCatalog.String),
                    _ => FailUnknown(access, nameSpan),
                };

            case MemberAccessExpression { Target: IdentifierExpression { Name: "steps" } } stepAccess:
                return BindStepOutput(stepAccess, access, nameSpan);
        }

        var target = Bind(access.Target);
        if (target is null)
        {
            return null;
        }

        var shape = _types.Find(target.Type);
        var member = shape?.Members.FirstOrDefault(m => m.Name == access.Name);
        if (member is null)
        {
            var hint = NameSuggester.Hint(access.Name, shape?.Members.Select(m => m.Name) ?? Enumerable.Empty<string>(), otherwise: ".");
            Report(DiagnosticDescriptors.UnknownMember, nameSpan, Display(target.Type), access.Name, hint);
            return null;
        }

        var code = (target.MaybeNull ? "(" + target.Code + "!)" : target.Code) + "." + CSharpText.Identifier(member.Name);
        return target with { Code = code, Type = member.Type, MaybeNull = member.IsNullable, NumberLiteral = null, MayYieldRead = false };
    }

    private BoundExpression? FailUnknown(MemberAccessExpression access, SourceSpan nameSpan)
    {
        Report(DiagnosticDescriptors.UnknownMember, nameSpan, "failure", access.Name, NameSuggester.Hint(access.Name, s_failureMembers, otherwise: ". It has 'step' and 'message'."));
        return null;
    }

    private static readonly string[] s_failureMembers = { "step", "message" };

    private static readonly string[] s_stepMembers = { "output", "outcome" };

    private BoundExpression? BindStepOutput(MemberAccessExpression stepAccess, MemberAccessExpression access, SourceSpan nameSpan)
    {
        var idSpan = _source.SpanOf(stepAccess.NameStart, stepAccess.Name.Length);
        if (OnFailureStep is not null)
        {
            Report(DiagnosticDescriptors.OnFailureReadsSteps, idSpan, OnFailureStep, $"reads the output of step '{stepAccess.Name}'");
            return null;
        }

        if (!_steps.TryGetValue(stepAccess.Name, out var step))
        {
            Report(DiagnosticDescriptors.UnknownStepReference, idSpan, stepAccess.Name, NameSuggester.Hint(stepAccess.Name, _steps.Keys, otherwise: "."));
            return null;
        }

        if (access.Name == "outcome")
        {
            // A status, readable whatever became of the step: "success", "failure" or "skipped".
            var failed = step.FailedVariable is { } variable ? $"{variable} ? \"failure\" : " : string.Empty;
            return new BoundExpression($"({step.SucceededVariable} ? \"success\" : {failed}\"skipped\")", TypeCatalog.String);
        }

        if (access.Name != "output")
        {
            Report(DiagnosticDescriptors.UnknownMember, nameSpan, "steps." + step.Id, access.Name, NameSuggester.Hint(access.Name, s_stepMembers, otherwise: ". A step has 'output' and 'outcome'."));
            return null;
        }

        if (step.OutputTypeName is null)
        {
            // A step whose action (or called workflow) could not be resolved has its own error at the step;
            // "its action '' returns nothing" here would only repeat it, wrongly.
            if (step.ActionName.Length > 0)
            {
                Report(DiagnosticDescriptors.StepHasNoOutput, idSpan, step.Id, step.ActionName);
            }

            return null;
        }

        var span = _source.SpanOf(stepAccess.Start, access.End - stepAccess.Start);
        var reads = step.MaybeSkipped ? new[] { (step.Index, span) } : null;
        // An action declared to return 'T?' (a reference type): its output may be null, as C# sees the local.
        return new BoundExpression(step.OutputVariable, step.OutputTypeName, MaybeNull: step.OutputMaybeNull, UnguardedReads: reads, GuardStep: step.MaybeSkipped ? step : null);
    }

    private BoundExpression? BindIndex(IndexExpression index)
    {
        var target = Bind(index.Target);
        var position = Bind(index.Index);
        if (target is null || position is null)
        {
            return null;
        }

        var shape = _types.Find(target.Type);
        if (shape is not { IsIndexable: true, ElementType: { } element })
        {
            return Fail(index, $"'{Display(target.Type)}' cannot be indexed: only arrays and lists can.");
        }

        var converted = Convert(position, TypeCatalog.Int);
        if (converted is null)
        {
            return Fail(index.Index, $"An index must be an int, not '{Display(position.Type)}'.");
        }

        // A constant negative index never finds an element (and C# warns about it on an array, CS0251).
        if (position.NumberLiteral is { } number && decimal.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value < 0)
        {
            Report(DiagnosticDescriptors.NegativeIndex, _source.SpanOf(index.Index.Start, index.Index.Length), number);
            return null;
        }

        var code = (target.MaybeNull ? "(" + target.Code + "!)" : target.Code) + "[" + converted.Code + "]";
        return target with { Code = code, Type = element, MaybeNull = false, NumberLiteral = null, UnguardedReads = Merge(target, position), MayYieldRead = false };
    }

    private BoundExpression? BindCall(CallExpression call)
    {
        switch (call.Name)
        {
            case "always":
            case "success":
            case "failure":
                if (_successCode is null)
                {
                    return Fail(call, $"{call.Name}() can only be used in 'if:'.");
                }

                if (call.Arguments.Count != 0)
                {
                    return Fail(call, $"{call.Name}() takes no arguments.");
                }

                var status = call.Name switch
                {
                    "always" => "true",
                    "success" => _successCode,
                    _ => _failureCode!,
                };
                return new BoundExpression(status, TypeCatalog.Bool);
            case "contains":
            case "startsWith":
            case "endsWith":
            case "length":
            case "format":
                break;
            case "toJson":
                break;
            default:
                var known = new[] { "contains", "startsWith", "endsWith", "length", "format", "toJson", "always", "success", "failure" };
                return Fail(call, $"Unknown function '{call.Name}'{NameSuggester.Hint(call.Name, known, otherwise: $". Functions: {string.Join(", ", known)}.")}".Replace("?.", "?"));
        }

        var arguments = new List<BoundExpression>();
        foreach (var argument in call.Arguments)
        {
            var bound = Bind(argument);
            if (bound is null)
            {
                return null;
            }

            arguments.Add(bound);
        }

        var reads = arguments.SelectMany(a => a.UnguardedReads ?? Array.Empty<(int, SourceSpan)>()).ToList();
        switch (call.Name)
        {
            case "length" when arguments.Count == 1:
                var shape = _types.Find(arguments[0].Type);
                // The length of what may be null (a member annotated nullable) is 0, as contains() finds nothing in it.
                return shape?.CountMember is { } count
                    ? new BoundExpression(arguments[0].MaybeNull ? $"({arguments[0].Code}?.{count} ?? 0)" : arguments[0].Code + "." + count, TypeCatalog.Int, UnguardedReads: reads)
                    : Fail(call, $"length() needs a string, an array or a collection, not '{Display(arguments[0].Type)}'.");

            case "startsWith" or "endsWith" when arguments.Count == 2:
                if (arguments[0].Type != TypeCatalog.String || arguments[1].Type != TypeCatalog.String)
                {
                    return Fail(call, $"{call.Name}() takes two strings, not '{Display(arguments[0].Type)}' and '{Display(arguments[1].Type)}'.");
                }

                var method = call.Name == "startsWith" ? "StartsWith" : "EndsWith";
                return new BoundExpression(StringTest(arguments[0], method, arguments[1]), TypeCatalog.Bool, UnguardedReads: reads);

            case "contains" when arguments.Count == 2:
                if (arguments[0].Type == TypeCatalog.String && arguments[1].Type == TypeCatalog.String)
                {
                    return new BoundExpression(StringTest(arguments[0], "Contains", arguments[1]), TypeCatalog.Bool, UnguardedReads: reads);
                }

                if (_types.Find(arguments[0].Type)?.ElementType is { } element && Convert(arguments[1], element) is { } item)
                {
                    return new BoundExpression($"global::System.Linq.Enumerable.Contains({arguments[0].Code}, {item.Code})", TypeCatalog.Bool, UnguardedReads: reads);
                }

                return Fail(call, $"contains() takes a string and a string, or a collection and an item of its type, not '{Display(arguments[0].Type)}' and '{Display(arguments[1].Type)}'.");

            case "format" when arguments.Count >= 1 && arguments[0].Type == TypeCatalog.String:
                var formatArguments = string.Concat(arguments.Skip(1).Select(a => ", (object?)" + a.Code));
                return new BoundExpression($"global::System.String.Format(global::System.Globalization.CultureInfo.InvariantCulture, {arguments[0].Code}{formatArguments})", TypeCatalog.String, UnguardedReads: reads);

            case "toJson" when arguments.Count == 1:
                // JsonValue.Create's overloads for these types need no reflection, so toJson stays AOT-safe.
                var jsonType = Underlying(arguments[0].Type);
                if (jsonType == TypeCatalog.Null || Array.IndexOf(s_jsonPrimitives, jsonType) < 0)
                {
                    return Fail(call, $"toJson() takes a string, a number, a bool, a char, a DateTime, a DateTimeOffset or a Guid, not '{Display(arguments[0].Type)}'; other types need the workflow's JSON context, which comes with durable runs.");
                }

                return new BoundExpression($"(global::System.Text.Json.Nodes.JsonValue.Create({arguments[0].Code})?.ToJsonString() ?? \"null\")", TypeCatalog.String, UnguardedReads: reads);

            default:
                return Fail(call, $"Wrong arguments for {call.Name}(): see the README's function table.");
        }
    }

    private BoundExpression? BindUnary(UnaryExpression unary)
    {
        var operand = Bind(unary.Operand);
        if (operand is null)
        {
            return null;
        }

        if (unary.Operator == UnaryOperator.Not)
        {
            return operand.Type == TypeCatalog.Bool
                ? operand with { Code = "!(" + operand.Code + ")" }
                : Fail(unary, $"Operator '!' needs a bool, not '{Display(operand.Type)}'.");
        }

        if (operand.NumberLiteral is { } number)
        {
            // The negated literal has its own natural type: -2147483648 is an int, -9223372036854775809 a decimal.
            var negated = number.StartsWith("-", StringComparison.Ordinal) ? number.Substring(1) : "-" + number;
            var type = NaturalType(negated);
            return operand with { Code = "(" + (NumberAs(negated, type) ?? negated) + ")", Type = type, NumberLiteral = negated };
        }

        return TypeCatalog.IsNumeric(operand.Type)
            ? operand with { Code = "(-" + (IsConstantCode(operand.Code) ? NotConstant(operand.Code, operand.Type) : operand.Code) + ")" }
            : Fail(unary, $"Operator '-' needs a number, not '{Display(operand.Type)}'.");
    }

    private BoundExpression? BindBinary(BinaryExpression binary)
    {
        var left = Bind(binary.Left);
        var right = Bind(binary.Right);
        if (left is null || right is null)
        {
            return null;
        }

        var op = binary.OperatorText;
        switch (binary.Operator)
        {
            case BinaryOperator.And:
            case BinaryOperator.Or:
                return left.Type == TypeCatalog.Bool && right.Type == TypeCatalog.Bool
                    ? Combined($"({left.Code} {op} {right.Code})", TypeCatalog.Bool, left, right)
                    : FailOperator(binary, left, right);

            case BinaryOperator.Coalesce:
                return BindCoalesce(binary, left, right);

            case BinaryOperator.Add when left.Type == TypeCatalog.String || right.Type == TypeCatalog.String:
                return Combined(InterpolatedLiteral("{(" + left.Code + ")}{(" + right.Code + ")}"), TypeCatalog.String, left, right);
        }

        // Numbers: a literal takes the other side's type (so 'total > 0.5' works for a decimal total).
        if (left.NumberLiteral is not null && right.NumberLiteral is null && TypeCatalog.IsNumeric(right.Type))
        {
            left = Convert(left, right.Type) ?? left;
        }
        else if (right.NumberLiteral is not null && left.NumberLiteral is null && TypeCatalog.IsNumeric(left.Type))
        {
            right = Convert(right, left.Type) ?? right;
        }

        var numeric = TypeCatalog.PromoteNumeric(Underlying(left.Type), Underlying(right.Type));
        switch (binary.Operator)
        {
            case BinaryOperator.Add:
            case BinaryOperator.Subtract:
                if (numeric is null || IsNullableValue(left.Type) || IsNullableValue(right.Type))
                {
                    return FailOperator(binary, left, right);
                }

                // Arithmetic on constants runs like any other (wrapping, or OverflowException for decimal), not as a compile error.
                var arithmetic = $"({left.Code} {op} {right.Code})";
                return Combined(IsConstantCode(arithmetic) ? $"({NotConstant(left.Code, left.Type)} {op} {right.Code})" : arithmetic, numeric, left, right);

            case BinaryOperator.Equal:
            case BinaryOperator.NotEqual:
                var comparable = numeric is not null
                    || left.Type == right.Type
                    || (left.Type == TypeCatalog.Null && _types.AcceptsNull(right.Type))
                    || (right.Type == TypeCatalog.Null && _types.AcceptsNull(left.Type))
                    || _types.IsImplicitlyConvertible(left.Type, right.Type)
                    || _types.IsImplicitlyConvertible(right.Type, left.Type);
                if (!comparable)
                {
                    return FailOperator(binary, left, right);
                }

                // A reference compared with null: through Nulls.IsNull, so C# does not take the reference for maybe-null from here on.
                var tested = left.Type == TypeCatalog.Null ? right : right.Type == TypeCatalog.Null ? left : null;
                if (tested is not null && tested.Type != TypeCatalog.Null && IsReference(tested.Type))
                {
                    return Combined($"{(binary.Operator == BinaryOperator.Equal ? string.Empty : "!")}{NullTest(tested.Code)}", TypeCatalog.Bool, left, right);
                }

                return Combined($"({left.Code} {op} {right.Code})", TypeCatalog.Bool, left, right);

            default:
                var ordered = numeric is not null
                    || (left.Type == right.Type && left.Type is "global::System.DateTimeOffset" or "global::System.DateTime" or "global::System.TimeSpan");
                return ordered ? Combined($"({left.Code} {op} {right.Code})", TypeCatalog.Bool, left, right) : FailOperator(binary, left, right);
        }
    }

    private BoundExpression? BindCoalesce(BinaryExpression binary, BoundExpression left, BoundExpression right)
    {
        // 'null ?? b' is b (C# has no type for 'null ?? null').
        if (left.Type == TypeCatalog.Null)
        {
            return right;
        }

        var leftShape = _types.Find(left.Type);
        var leftIsNullable = left.MaybeNull || _types.AcceptsNull(left.Type) && leftShape?.IsValueType != true || leftShape?.Category == TypeCategory.NullableValue;
        var resultType = leftShape?.Category == TypeCategory.NullableValue && leftShape.ElementType is { } underlying ? underlying : left.Type;
        var converted = Convert(right, resultType);
        if (converted is null)
        {
            return Fail(binary.Right, $"The fallback after '??' must be a '{Display(resultType)}', not '{Display(right.Type)}'.");
        }

        if (!leftIsNullable && left.GuardStep is null)
        {
            return Fail(binary, $"'{Display(left.Type)}' is never null and its step always runs, so '??' has nothing to do.");
        }

        // A reference declared non-null (it may still be null at run time: '?? fallback' says what then) is tested
        // through Nulls.IsNull: C#'s '??' would make it maybe-null for the rest of the method.
        var declaredNonNull = !left.MaybeNull && !left.Type.EndsWith("?", StringComparison.Ordinal) && IsReference(left.Type);
        var coalesced = !leftIsNullable ? left.Code
            : declaredNonNull ? $"({NullTest(left.Code)} ? {converted.Code} : {left.Code})"
            : $"({left.Code} ?? {converted.Code})";
        var code = left.GuardStep is { } guard ? $"({guard.SucceededVariable} ? {coalesced} : {converted.Code})" : coalesced;
        // The result is the fallback whenever the left side is null, and the left side itself when it never is
        // (a guarded step output): it may be null as they may, and C# sees it so (CS8604 at a parameter that
        // takes no null, CS8602 on a member, otherwise).
        return new BoundExpression(
            code,
            resultType,
            MaybeNull: converted.MaybeNull || converted.Type == TypeCatalog.Null,
            UnguardedReads: converted.UnguardedReads,
            MayYieldRead: MayBeNullForCSharp(converted) || (!leftIsNullable && MayBeNullForCSharp(left)));
    }

    /// <summary>
    /// True when C# may see <paramref name="value"/> as maybe-null where a parameter takes no null: its type or a
    /// member on its path says so; it is the null literal; or it may be a reference read from a variable or a
    /// chain of members (<c>loadOutput.Customer.Id</c>), which C#'s flow analysis takes for maybe-null after any
    /// null test of it earlier in the method, whatever its declared type says. (The binder's own tests go through
    /// Nulls.IsNull, which C# learns nothing from; the '!' stays for a test it did not write.)
    /// </summary>
    public bool MayBeNullForCSharp(BoundExpression value)
        => value.MaybeNull || value.Type == TypeCatalog.Null || (_types.Find(value.Type) is { IsValueType: false } && (value.MayYieldRead || s_memberChain.IsMatch(value.Code)));

    private static readonly System.Text.RegularExpressions.Regex s_memberChain = new(@"^@?[A-Za-z_]\w*(\.@?[A-Za-z_]\w*)*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private bool IsReference(string type) => _types.Find(type) is { IsValueType: false, Category: not TypeCategory.NullableValue };

    private static string NullTest(string code) => $"global::Workflows.Runtime.Nulls.IsNull({code})";

    private static BoundExpression Combined(string code, string type, BoundExpression left, BoundExpression right)
        => new(code, type, UnguardedReads: Merge(left, right));

    private static IReadOnlyList<(int, SourceSpan)>? Merge(BoundExpression a, BoundExpression b)
        => a.UnguardedReads is null ? b.UnguardedReads : b.UnguardedReads is null ? a.UnguardedReads : a.UnguardedReads.Concat(b.UnguardedReads).ToList();

    private string Underlying(string type)
        => _types.Find(type) is { Category: TypeCategory.NullableValue, ElementType: { } element } ? element : type;

    private bool IsNullableValue(string type) => _types.Find(type)?.Category == TypeCategory.NullableValue;

    private BoundExpression? FailOperator(BinaryExpression binary, BoundExpression left, BoundExpression right)
    {
        Report(DiagnosticDescriptors.InvalidExpression, _source.SpanOf(binary.OperatorStart, binary.OperatorText.Length),
            $"Operator '{binary.OperatorText}' cannot be applied to '{Display(left.Type)}' and '{Display(right.Type)}'.");
        return null;
    }

    private BoundExpression? Fail(ExpressionSyntax node, string message)
    {
        Report(DiagnosticDescriptors.InvalidExpression, _source.SpanOf(node.Start, node.Length), message);
        return null;
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, span, arguments));

    /// <summary>Wraps interpolated-string content whose text is already escaped (<see cref="CSharpText.InterpolatedText"/>) and whose holes are {(code)}.</summary>
    private static string InterpolatedLiteral(string content)
        => "global::System.String.Create(global::System.Globalization.CultureInfo.InvariantCulture, $\"" + content + "\")";

    /// <summary>
    /// <c>s.Contains(t, Ordinal)</c> and the like. A string that may be null (an optional input without a
    /// default) contains, starts and ends with nothing, and a null argument is the empty string (CS8602/CS8604 otherwise).
    /// </summary>
    private static string StringTest(BoundExpression text, string method, BoundExpression argument)
    {
        var value = argument.MaybeNull || argument.Type == TypeCatalog.Null ? $"({argument.Code} ?? \"\")" : argument.Code;
        return text.MaybeNull
            ? $"({text.Code}?.{method}({value}, global::System.StringComparison.Ordinal) == true)"
            : $"{text.Code}.{method}({value}, global::System.StringComparison.Ordinal)";
    }

    /// <summary>
    /// True when <paramref name="code"/> is a C# constant expression (literals and operators only): C# folds it
    /// at compile time, so an overflow is an error (CS0220, CS0463) and a constant condition makes code
    /// unreachable (CS0162).
    /// </summary>
    internal static bool IsConstantCode(string code)
        => Microsoft.CodeAnalysis.CSharp.SyntaxFactory.ParseExpression(code).DescendantNodesAndSelf().All(node => node
            is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax
            or Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax
            or Microsoft.CodeAnalysis.CSharp.Syntax.PrefixUnaryExpressionSyntax
            or Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax);

    /// <summary>
    /// <paramref name="code"/> of <paramref name="type"/>, computed at run time even when it is a constant
    /// (boxed and unboxed: not a C# constant), so that C# neither folds nor reasons about it.
    /// </summary>
    internal static string NotConstant(string code, string type) => $"(({type})(object){code})";

    private static readonly string[] s_jsonPrimitives =
    {
        "string", "bool", "char", "sbyte", "byte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal",
        "global::System.DateTime", "global::System.DateTimeOffset", "global::System.Guid",
    };

    private static readonly char[] s_realMarkers = { '.', 'e', 'E' };

    private static bool IsWhole(string number) => number.IndexOfAny(s_realMarkers) < 0;

    /// <summary>A number literal written as a C# literal of <paramref name="type"/>, or null if it does not fit.</summary>
    private static string? NumberAs(string number, string type)
    {
        const NumberStyles styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (!decimal.TryParse(number, styles, CultureInfo.InvariantCulture, out var value) && !(type is "double" or "float"))
        {
            return null;
        }

        switch (type)
        {
            case "int" when IsWhole(number) && value >= int.MinValue && value <= int.MaxValue:
                return value.ToString(CultureInfo.InvariantCulture);
            case "long" when IsWhole(number) && value >= long.MinValue && value <= long.MaxValue:
                return value.ToString(CultureInfo.InvariantCulture) + "L";
            case "decimal":
                return value.ToString(CultureInfo.InvariantCulture) + "M";
            case "double" when double.TryParse(number, styles, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d):
                return d.ToString("R", CultureInfo.InvariantCulture) + "D";
            case "float" when float.TryParse(number, styles, CultureInfo.InvariantCulture, out var f) && !float.IsInfinity(f):
                return f.ToString("R", CultureInfo.InvariantCulture) + "F";
            default:
                return null;
        }
    }
}
