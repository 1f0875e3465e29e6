using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>
/// The build-time security checks (WF04xx): script injection into a shell, credentials written into the
/// file, plain-HTTP URLs, file paths that leave the root, and secrets flowing into logs or outputs.
/// Each looks only at what the YAML says, so it never guesses about run-time values.
/// </summary>
internal static class SecurityChecker
{
    private static readonly string[] s_shellActions = { "process.run", "shell.execute" };

    private static readonly string[] s_fileActions = { "file.read", "file.write", "file.append", "file.copy", "file.move", "file.delete", "file.exists" };

    private static readonly char[] s_authorityEnd = { '/', '?', '#' };

    private static readonly string[] s_pathParameters = { "path", "source", "destination", "workingdirectory" };

    // Names whose literal value is a credential: password, api_key, client-secret, token, Authorization, ...
    private static readonly Regex s_credentialName = new(
        @"(pass(word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|authorization)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // Well-known token formats, whatever the key is called.
    private static readonly Regex s_credentialValue = new(
        @"^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20,}|glpat-[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----.*)$|^(Bearer|Basic|token) [A-Za-z0-9._~+/=-]{12,}$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>
    /// Runs every check over every place the file calls an action (<see cref="ActionCall.In"/>: steps,
    /// compensations, on_failure steps) and over the workflow's outputs.
    /// </summary>
    /// <param name="returnsValue">True when the action of that name returns a value (a step output).</param>
    public static void Check(WorkflowDocument document, Func<string, bool> returnsValue, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, SourceSpan, string[]> report)
    {
        // A workflow with a json_context can run durably, and a durable run stores its inputs, every step's
        // output and its outputs, as JSON, in the store.
        var stored = document.JsonContext is not null;
        foreach (var call in ActionCall.In(document))
        {
            CheckCall(call, stored, returnsValue, report);
        }

        foreach (var output in document.Outputs)
        {
            if (ExpressionBinder.ReadsSecrets(output.Value))
            {
                report(DiagnosticDescriptors.SecretLogged, output.Value.Span, new[] { "Output '" + output.Name.Value + "'", "a workflow output (returned to the caller, and recorded by durable runs)" });
            }
        }
    }

    private static void CheckCall(ActionCall call, bool stored, Func<string, bool> returnsValue, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, SourceSpan, string[]> report)
    {
        var actionName = call.Action ?? string.Empty;
        CheckShell(call, actionName, report);
        foreach (var argument in call.With)
        {
            CheckValue(call.Label, argument.Name.Value, argument.Value, report);
            if (Array.IndexOf(s_fileActions, actionName) >= 0 || Array.IndexOf(s_shellActions, actionName) >= 0)
            {
                CheckPath(call.Label, argument, report);
            }
        }

        var into = actionName == "log" ? "the log"
            : !stored || call.Place != ActionCallPlace.Step ? null
            : call.Workflow is { } workflow ? $"the inputs of workflow '{workflow}', which its durable run stores as written"
            : call.Action is { } action && returnsValue(action) ? "a step output, which durable runs store (the run-time mask hides only a secret's exact text, not a value made from it)"
            : null;
        if (into is null)
        {
            return;
        }

        // At each value that reads a secret, inside a list or mapping too (environment: { TOKEN: ... }). An HTTP
        // request's headers (the usual place of a credential) never come back in its result: not a stored output.
        var arguments = actionName.StartsWith("http.", StringComparison.Ordinal)
            ? call.With.Where(a => Normalize(a.Name.Value) != "headers")
            : call.With;
        foreach (var value in arguments.SelectMany(a => a.Value.Scalars()).Where(ExpressionBinder.ReadsSecrets).OrderBy(v => v.Span.Start))
        {
            report(DiagnosticDescriptors.SecretLogged, value.Span, new[] { "Step '" + call.Label + "'", into });
        }
    }

    private static void CheckShell(ActionCall call, string actionName, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, SourceSpan, string[]> report)
    {
        if (Array.IndexOf(s_shellActions, actionName) < 0)
        {
            return;
        }

        var shell = call.With.FirstOrDefault(a => Normalize(a.Name.Value) == "shell")?.Value;
        var command = call.With.FirstOrDefault(a => Normalize(a.Name.Value) == "command")?.Value;
        if (shell is null || command is null || shell.Kind is ArgumentValueKind.Null || shell.Text.Length == 0 || !command.Text.Contains("${{"))
        {
            return;
        }

        report(DiagnosticDescriptors.ScriptInjection, command.Span, new[] { call.Label, shell.Text });
    }

    /// <summary>True for a with: name whose literal text value is reported as a credential (password, api_key, cancellationToken, ...).</summary>
    internal static bool LooksLikeCredentialName(string name) => s_credentialName.IsMatch(Normalize(name));

    private static void CheckValue(string label, string name, ArgumentValue value, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, SourceSpan, string[]> report)
    {
        switch (value.Kind)
        {
            case ArgumentValueKind.List:
                foreach (var item in value.Items)
                {
                    CheckValue(label, name, item, report);
                }

                return;
            case ArgumentValueKind.Mapping:
                foreach (var entry in value.Entries)
                {
                    CheckValue(label, entry.Name.Value, entry.Value, report);
                }

                return;
            case ArgumentValueKind.Null:
                return;
        }

        var text = value.Text;
        if (text.Length == 0 || text.Contains("${{"))
        {
            CheckUrl(label, name, value, report);
            return;
        }

        // By name only for text: a number or a boolean under a credential-like name (token_count: 5,
        // use_token: true) is not a secret.
        var textual = value.Kind == ArgumentValueKind.QuotedScalar || !IsNumberOrBoolean(text);
        if ((textual && LooksLikeCredentialName(name)) || s_credentialValue.IsMatch(text))
        {
            report(DiagnosticDescriptors.CredentialLiteral, value.Span, new[] { label, name });
            return;
        }

        CheckUrl(label, name, value, report);
    }

    private static void CheckUrl(string label, string name, ArgumentValue value, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, SourceSpan, string[]> report)
    {
        var text = value.Text.Trim();
        if (!text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var rest = text.Substring("http://".Length);
        var end = rest.IndexOfAny(s_authorityEnd);
        var authority = end < 0 ? rest : rest.Substring(0, end);
        if (authority.Contains("${{"))
        {
            return; // the host is only known at run time
        }

        var host = authority.Substring(authority.LastIndexOf('@') + 1);
        host = host.StartsWith("[", StringComparison.Ordinal) ? host.Substring(0, host.IndexOf(']') + 1) : host.Split(':')[0];
        if (IsLoopback(host))
        {
            return;
        }

        report(DiagnosticDescriptors.PlainHttp, value.Span, new[] { label, name, host });
    }

    private static bool IsLoopback(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.StartsWith("127.", StringComparison.Ordinal)
            || host == "[::1]";

    private static void CheckPath(string label, StepArgument argument, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, SourceSpan, string[]> report)
    {
        var value = argument.Value;
        if (Array.IndexOf(s_pathParameters, Normalize(argument.Name.Value)) < 0 || value.Kind is not (ArgumentValueKind.PlainScalar or ArgumentValueKind.QuotedScalar))
        {
            return;
        }

        var text = value.Text;
        var absolute = text.StartsWith("/", StringComparison.Ordinal) || text.StartsWith("\\", StringComparison.Ordinal)
            || (text.Length >= 2 && char.IsLetter(text[0]) && text[1] == ':');
        var climbs = text.Split('/', '\\').Any(segment => segment == "..");
        if (absolute || climbs)
        {
            report(DiagnosticDescriptors.PathLeavesRoot, value.Span, new[] { label, argument.Name.Value, text, absolute ? "is absolute" : "climbs out with '..'" });
        }
    }

    private static bool IsNumberOrBoolean(string text)
        => bool.TryParse(text, out _)
            || decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static string Normalize(string name) => name.Replace("_", string.Empty).Replace("-", string.Empty).ToLowerInvariant();
}
