using System.Collections.Generic;
using System.Linq;
using System.Text;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>
/// What hosts use instead of reflection: each workflow's static <c>Registration</c> (how to create it from a
/// service provider, its schedules, how to start and recover runs), and one <c>WorkflowRegistrations.All</c>
/// per project listing them.
/// </summary>
internal static class RegistrationEmitter
{
    private const string Registration = "global::Workflows.Hosting.WorkflowRegistration";

    /// <summary>The <c>Registration</c> property, written last: it reads <c>Descriptor</c> and <c>Schedules</c>.</summary>
    public static void EmitMember(SourceWriter w, WorkflowSpec spec)
    {
        var schedulable = spec.Inputs.All(i => !i.IsRequired);
        if (schedulable)
        {
            w.Line();
            w.Line("/// <summary>A run started by a host's schedule: default inputs, durable as <paramref name=\"runId\"/> when a store is set.</summary>");
            w.Open($"private async global::System.Threading.Tasks.Task RunScheduledAsync(string runId, global::System.Threading.CancellationToken cancellationToken)");
            var inputs = spec.Inputs.Count > 0 ? "new Inputs(), " : string.Empty;
            if (spec.Durable is not null)
            {
                w.Open("if (_options.Store is not null)");
                w.Line($"await RunDurableAsync({inputs}runId, cancellationToken).ConfigureAwait(false);");
                w.Line("return;");
                w.Close();
                w.Line();
            }
            else
            {
                w.Line("_ = runId; // only durable runs keep an id");
            }

            w.Line($"await RunAsync({inputs}cancellationToken).ConfigureAwait(false);");
            w.Close();
        }

        EmitHostMembers(w, spec);

        var arguments = new StringBuilder();
        foreach (var host in spec.Hosts)
        {
            arguments.Append($"({host.Type})(services.GetService(typeof({host.Type})) ?? throw MissingService(typeof({host.Type}))), ");
        }

        arguments.Append("(global::Workflows.WorkflowOptions?)services.GetService(typeof(global::Workflows.WorkflowOptions))");
        w.Line();
        w.Line("/// <summary>What a host needs to create and run this workflow, without reflection.</summary>");
        w.Line($"public static {Registration} Registration => RegistrationHolder.Value;");
        w.Line();
        w.Line("// A class of its own, so that an app that never asks for the registration (a NativeAOT app that calls RunAsync)");
        w.Line("// does not keep what it references (reading inputs as JSON, the definition's text) through this class's static constructor.");
        w.Open("private static class RegistrationHolder");
        w.Line($"internal static readonly {Registration} Value = new {Registration}(");
        w.Line("    WorkflowName,");
        w.Line("    Descriptor,");
        w.Line(spec.Schedules.Count > 0 ? "    Schedules," : "    global::System.Array.Empty<global::Workflows.Scheduling.WorkflowSchedule>(),");
        w.Line($"    IsDurable: {(spec.Durable is not null ? "true" : "false")},");
        w.Line($"    Create: static services => new {spec.ClassName}({arguments}),");
        w.Line(schedulable
            ? $"    RunScheduledAsync: static (workflow, runId, cancellationToken) => (({spec.ClassName})workflow).RunScheduledAsync(runId, cancellationToken),"
            : "    RunScheduledAsync: null, // required inputs: a schedule could not supply them");
        w.Line(spec.Durable is not null
            ? $"    RecoverAsync: static async (workflow, cancellationToken) => await (({spec.ClassName})workflow).RecoverAsync(cancellationToken).ConfigureAwait(false))"
            : "    RecoverAsync: null)");
        w.Line("{");
        w.Line($"    Inputs = {Parameters(spec.Inputs.Select(i => (i.Name, i.Type, i.IsRequired, i.DefaultText, i.Description)))},");
        w.Line($"    Outputs = {Parameters(spec.Outputs.Select(o => (o.Name, o.Type, false, (string?)null, (string?)null)))},");
        w.Line($"    Definition = {(spec.Definition is null ? "null" : Literal(spec.Definition))},");
        w.Line($"    DefinitionJson = {(spec.DefinitionJson is null ? "null" : Literal(spec.DefinitionJson))},");
        w.Line("    Mermaid = Mermaid,");
        w.Line($"    InvokeAsync = static (workflow, values, runId, cancellationToken) => (({spec.ClassName})workflow).InvokeFromHostAsync(values, runId, cancellationToken),");
        w.Line(spec.Durable is not null
            ? $"    ResumeAsync = static (workflow, runId, cancellationToken) => (({spec.ClassName})workflow).ResumeFromHostAsync(runId, cancellationToken),"
            : "    ResumeAsync = null,");
        w.Line("};");
        w.Close();
        w.Line();
        w.Line("private static global::System.InvalidOperationException MissingService(global::System.Type type)");
        w.Line($"    => new(\"Workflow '\" + WorkflowName + \"' needs a \" + type.FullName + \" from the service provider: register one.\");");
    }

    /// <summary>
    /// What tools call through the registration: inputs read from outside (text or JSON, through JSON metadata only),
    /// outputs written as JSON, and, for durable workflows, a run continued by its id.
    /// </summary>
    private static void EmitHostMembers(SourceWriter w, WorkflowSpec spec)
    {
        var json = spec.Durable is not null ? "s_json" : "global::Workflows.Durability.DurableJson.BuiltInOptions";
        var hasInputs = spec.Inputs.Count > 0;
        var hasOutputs = spec.Outputs.Count > 0;

        w.Line();
        w.Line("/// <summary>The names of the inputs, to refuse any other given from outside.</summary>");
        w.Line($"private static readonly string[] s_hostInputNames = {{ {string.Join(", ", spec.Inputs.Select(i => Literal(i.Name)))} }};");
        w.Line();
        w.Line("/// <summary>Reads inputs given from outside (a command line, a file): all of them are checked before anything runs.</summary>");
        w.Open($"private static {(hasInputs ? "Inputs" : "void")} ReadHostInputs(global::Workflows.Hosting.WorkflowInputValues values)");
        w.Line("values.CheckNames(WorkflowName, s_hostInputNames);");
        if (hasInputs)
        {
            w.Open("return new Inputs");
            foreach (var input in spec.Inputs)
            {
                w.Line(input.IsRequired
                    ? $"{input.PropertyName} = values.GetRequired<{input.Type}>(WorkflowName, {Literal(input.Name)}, {json}),"
                    : $"{input.PropertyName} = values.GetOptional<{input.Type}>(WorkflowName, {Literal(input.Name)}, {json}, {input.DefaultValue ?? "default!"}),");
            }

            w.Close(";");
        }

        w.Close();

        if (hasOutputs)
        {
            w.Line();
            w.Line("/// <summary>The outputs as a JSON object; a value of a type without JSON metadata is written as its text.</summary>");
            w.Open("private static string WriteHostOutputs(Outputs outputs)");
            w.Line("using var json = global::Workflows.Durability.DurableJson.BeginObject();");
            foreach (var output in spec.Outputs)
            {
                w.Line($"json.WriteOrText<{output.Type}>({Literal(output.Name)}, outputs.{output.PropertyName}, {json});");
            }

            w.Line("return json.Complete();");
            w.Close();
        }

        var inputsArgument = hasInputs ? "inputs, " : string.Empty;
        w.Line();
        w.Line("/// <summary>A run started from outside (<c>Registration.InvokeAsync</c>): durable as <paramref name=\"runId\"/> when given and a store is set.</summary>");
        w.Open($"private async global::System.Threading.Tasks.Task<string?> InvokeFromHostAsync(global::Workflows.Hosting.WorkflowInputValues values, string? runId, global::System.Threading.CancellationToken cancellationToken)");
        w.Line(hasInputs ? "var inputs = ReadHostInputs(values);" : "ReadHostInputs(values);");
        if (spec.Durable is not null)
        {
            w.Open("if (runId is not null && _options.Store is not null)");
            w.Line(hasOutputs
                ? $"return WriteHostOutputs(await RunDurableAsync({inputsArgument}runId, cancellationToken).ConfigureAwait(false));"
                : $"await RunDurableAsync({inputsArgument}runId, cancellationToken).ConfigureAwait(false);");
            if (!hasOutputs)
            {
                w.Line("return null;");
            }

            w.Close();
            w.Line();
        }
        else
        {
            w.Line("_ = runId; // only durable runs keep an id");
        }

        if (hasOutputs)
        {
            w.Line($"return WriteHostOutputs(await RunAsync({inputsArgument}cancellationToken).ConfigureAwait(false));");
        }
        else
        {
            w.Line($"await RunAsync({inputsArgument}cancellationToken).ConfigureAwait(false);");
            w.Line("return null;");
        }

        w.Close();

        if (spec.Durable is null)
        {
            return;
        }

        w.Line();
        w.Line("/// <summary>Continues durable run <paramref name=\"runId\"/> with its stored inputs (<c>Registration.ResumeAsync</c>).</summary>");
        w.Open("private async global::System.Threading.Tasks.Task<string?> ResumeFromHostAsync(string runId, global::System.Threading.CancellationToken cancellationToken)");
        w.Line("var (durable, finished) = await global::Workflows.Durability.DurableRun.ContinueAsync(_options, Descriptor, DefinitionHash, s_stepSignatures, runId, cancellationToken).ConfigureAwait(false);");
        w.Open("if (finished is not null)");
        w.Line("return finished.Status == global::Workflows.Durability.RunStatus.Succeeded ? finished.OutputsJson : throw new global::Workflows.Durability.WorkflowRunFinishedException(finished);");
        w.Close();
        w.Line();
        if (hasOutputs)
        {
            w.Line("return WriteHostOutputs(await RunDurableCoreAsync(durable!, recorder: null, cancellationToken).ConfigureAwait(false));");
        }
        else
        {
            w.Line("await RunDurableCoreAsync(durable!, recorder: null, cancellationToken).ConfigureAwait(false);");
            w.Line("return null;");
        }

        w.Close();
    }

    private static string Parameters(IEnumerable<(string Name, string Type, bool IsRequired, string? DefaultValue, string? Description)> parameters)
    {
        var items = parameters.Select(p =>
            $"new global::Workflows.Hosting.WorkflowParameter({Literal(p.Name)}, {Literal(p.Type.Replace("global::", string.Empty))}, {(p.IsRequired ? "true" : "false")}, " +
            $"{(p.DefaultValue is null ? "null" : Literal(p.DefaultValue))}, {(p.Description is null ? "null" : Literal(p.Description))})").ToList();
        return items.Count == 0
            ? "global::System.Array.Empty<global::Workflows.Hosting.WorkflowParameter>()"
            : "new global::Workflows.Hosting.WorkflowParameter[] { " + string.Join(", ", items) + " }";
    }

    /// <summary>One class per project: every workflow's registration, for <c>AddWorkflows</c>.</summary>
    public static string EmitCatalog(IReadOnlyList<WorkflowSpec> specs, string defaultNamespace, HostingSupport support)
    {
        var w = new SourceWriter();
        w.Line("// <auto-generated/>");
        w.Line("#nullable enable");
        w.Line();
        w.Open($"namespace {CSharpText.QualifiedName(defaultNamespace)}");
        w.Line("/// <summary>Every workflow of this project, for hosts (<c>AddWorkflows</c>) and tools.</summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Workflows.Generators\", \"" + Version + "\")]");
        w.Open("public static partial class WorkflowRegistrations");
        w.Line("/// <summary>The registrations, in file order.</summary>");
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{Registration}> All {{ get; }} = new {Registration}[]");
        w.Line("{");
        foreach (var spec in Ordered(specs))
        {
            w.Line($"    global::{spec.Namespace}.{spec.ClassName}.Registration,");
        }

        w.Line("};");
        if (support.DependencyInjection)
        {
            EmitAddServices(w, specs);
        }

        if (support.DependencyInjection && support.CommandLine)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Runs the command line over this project's workflows (list, show, run, runs, status, cancel, pause, resume,");
            w.Line("/// retry, export, serve) and returns the exit code. The action classes are registered as by <see cref=\"AddServices\"/>.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"args\">The program's arguments.</param>");
            w.Line("/// <param name=\"configure\">Registers services, sets the store and options.</param>");
            w.Line("public static global::System.Threading.Tasks.Task<int> RunCommandLineAsync(string[] args, global::System.Action<global::Workflows.CommandLine.WorkflowCommandLineOptions>? configure = null)");
            w.Line("    => global::Workflows.CommandLine.WorkflowCommandLine.RunAsync(args, All, options =>");
            w.Line("    {");
            w.Line("        AddServices(options.Services);");
            w.Line("        configure?.Invoke(options);");
            w.Line("    });");
        }

        w.Close();
        w.Close();
        if (support.DependencyInjection)
        {
            EmitAddWorkflows(w, defaultNamespace);
        }

        if (support.AspNetCore)
        {
            WebEmitter.EmitMapWorkflows(w, defaultNamespace, Version);
        }

        return w.ToString();
    }

    /// <summary>Registers what the workflows need in a service container, each type listed here: no scanning.</summary>
    private static void EmitAddServices(SourceWriter w, IReadOnlyList<WorkflowSpec> specs)
    {
        const string Services = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
        const string TryAdd = "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton";
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Registers, unless already registered, every workflow of this project as a singleton and the action classes");
        w.Line("/// they call that a container can create (interfaces and abstract classes are the app's to register).");
        w.Line("/// </summary>");
        w.Open($"public static {Services} AddServices({Services} services)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(services);");
        var hosts = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            foreach (var host in spec.Hosts)
            {
                if (host.IsConstructible)
                {
                    hosts.Add(host.Type);
                }
            }
        }

        foreach (var host in hosts)
        {
            w.Line($"{TryAdd}<{host}>(services);");
        }

        foreach (var spec in Ordered(specs))
        {
            var type = $"global::{spec.Namespace}.{spec.ClassName}";
            w.Line($"{TryAdd}<{type}>(services, static provider => ({type}){type}.Registration.Create(provider));");
        }

        w.Line("return services;");
        w.Close();
    }

    /// <summary>The parameterless <c>services.AddWorkflows()</c>: internal, so each project's workflows stay its own.</summary>
    private static void EmitAddWorkflows(SourceWriter w, string defaultNamespace)
    {
        w.Line();
        w.Open("namespace Microsoft.Extensions.DependencyInjection");
        w.Line("/// <summary>Registers this project's workflows, their action classes and the workflow host service.</summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Workflows.Generators\", \"" + Version + "\")]");
        w.Open("internal static class GeneratedWorkflowServiceCollectionExtensions");
        w.Line("/// <summary>");
        w.Line("/// Registers every workflow of this project and the action classes it needs (<c>WorkflowRegistrations.AddServices</c>),");
        w.Line("/// and the hosted service that recovers durable runs and fires schedules.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"services\">The container.</param>");
        w.Line("/// <param name=\"configure\">Changes the host options.</param>");
        w.Line("/// <returns><paramref name=\"services\"/>.</returns>");
        w.Open("public static global::Microsoft.Extensions.DependencyInjection.IServiceCollection AddWorkflows(this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services, global::System.Action<global::Workflows.Hosting.WorkflowHostOptions>? configure = null)");
        w.Line($"global::{defaultNamespace}.WorkflowRegistrations.AddServices(services);");
        w.Line($"return global::Microsoft.Extensions.DependencyInjection.WorkflowServiceCollectionExtensions.AddWorkflows(services, global::{defaultNamespace}.WorkflowRegistrations.All, configure);");
        w.Close();
        w.Close();
        w.Close();
    }

    private static IEnumerable<WorkflowSpec> Ordered(IReadOnlyList<WorkflowSpec> specs)
        => specs.OrderBy(s => s.SourceFileName, System.StringComparer.Ordinal).ThenBy(s => s.ClassName, System.StringComparer.Ordinal);

    private static string Version => typeof(RegistrationEmitter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    private static string Literal(string value) => CSharpText.StringLiteral(value);
}

/// <summary>What the compilation references, so the registrations can offer more: a service container, the command line.</summary>
internal readonly record struct HostingSupport(bool DependencyInjection, bool CommandLine, bool AspNetCore = false);
