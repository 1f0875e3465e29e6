using System;
using System.CommandLine;
using System.Threading.Tasks;

namespace Workflows.Tool;

/// <summary>The <c>workflows</c> command line.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Workflow files, or directories searched for *.workflow.yaml, *.workflow.yml and *.workflow.json.",
            Arity = ArgumentArity.OneOrMore,
        };
        var actions = new Option<string[]>("--actions")
        {
            Description = "A compiled assembly whose [WorkflowAction] methods steps may use (repeatable). Without it, actions that are not built in are reported as unresolved warnings.",
            // One assembly per --actions, so that '--actions a.dll x.workflow.yaml' leaves the file an argument.
            AllowMultipleArgumentsPerToken = false,
        };
        var ns = new Option<string?>("--namespace")
        {
            Description = "The namespace of workflows without 'namespace:' (a build uses the project's RootNamespace).",
        };
        var warningsAsErrors = new Option<bool>("--warnings-as-errors")
        {
            Description = "Report warnings as errors, so that they fail the check.",
        };

        var validate = new Command("validate", "Check workflow files with the same validator as the build, without a build.")
        {
            paths, actions, ns, warningsAsErrors,
        };
        validate.SetAction(parseResult => new Validator(Console.Out, Console.Error).Run(new ValidateOptions(
            parseResult.GetValue(paths) ?? Array.Empty<string>(),
            parseResult.GetValue(actions) ?? Array.Empty<string>(),
            parseResult.GetValue(ns),
            parseResult.GetValue(warningsAsErrors))));

        var project = new Option<string?>("--project")
        {
            Description = "The project whose Workflows.Shipped.txt to rewrite: a project file, or a folder holding one (default: the current folder).",
        };
        var accept = new Command("accept", "Rewrite Workflows.Shipped.txt from the project's current durable workflows (builds it with -p:WorkflowsAcceptVersions=true; arguments after -- go to dotnet build).")
        {
            project,
        };
        accept.TreatUnmatchedTokensAsErrors = false;
        accept.SetAction(parseResult => new VersionsAccept(Console.Out, Console.Error).Run(parseResult.GetValue(project), parseResult.UnmatchedTokens));
        var versions = new Command("versions", "What durable runs in flight depend on (Workflows.Shipped.txt).") { accept };

        var root = new RootCommand("Workflows: compile-time verified workflows.") { validate, versions };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Usage: workflows validate <files or directories...> [--actions <assembly.dll>]... [--namespace <ns>] [--warnings-as-errors]").ConfigureAwait(false);
            await Console.Error.WriteLineAsync("       workflows versions accept [--project <folder or project file>] [-- <dotnet build arguments>]").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
