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

        var root = new RootCommand("Workflows: compile-time verified workflows.") { validate };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Usage: workflows validate <files or directories...> [--actions <assembly.dll>]... [--namespace <ns>] [--warnings-as-errors]").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
