using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Workflows.Hosting;
using Workflows.Scheduling;

namespace Workflows.CommandLine;

/// <summary><c>list</c>, <c>show</c> and <c>export</c>: what the app's workflows are. They never touch the store.</summary>
internal static class InfoCommands
{
    private static readonly string[] s_listHeaders = { "NAME", "STEPS", "DURABLE", "TRIGGERS", "DESCRIPTION" };

    public static Command List(CliContext context)
    {
        var json = JsonOption();
        var command = new Command("list", "List the workflows: steps, durability, triggers.") { json };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(() => Task.FromResult(ListAsync(context, parse.GetValue(json))), cancellationToken));
        return command;
    }

    public static Command Show(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The workflow's name (see 'list')." };
        var json = JsonOption();
        var command = new Command("show", "Show one workflow: inputs, outputs, steps, batches, schedules and its flowchart.") { name, json };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(() => Task.FromResult(ShowAsync(context, context.Find(parse.GetValue(name)!), parse.GetValue(json))), cancellationToken));
        return command;
    }

    public static Command Export(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The workflow's name (see 'list')." };
        var format = new Option<string>("--format")
        {
            Description = "yaml (the workflow file as written) or json.",
            DefaultValueFactory = _ => "yaml",
        };
        format.AcceptOnlyFromAmong("yaml", "json");
        var command = new Command("export", "Print a workflow's definition.") { name, format };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(() =>
        {
            var registration = context.Find(parse.GetValue(name)!);
            var asJson = parse.GetValue(format) == "json";
            var text = asJson ? registration.DefinitionJson : registration.Definition;
            if (text is null)
            {
                throw new RefusedException($"Workflow '{registration.Name}' carries no {(asJson ? "JSON " : "")}definition: rebuild the app with a current Workflows generator.");
            }

            if (text.EndsWith('\n'))
            {
                context.Out.Write(text);
            }
            else
            {
                context.Out.WriteLine(text);
            }

            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Write JSON instead of text." };

    private static int ListAsync(CliContext context, bool json)
    {
        var registrations = context.Catalog.Registrations;
        if (json)
        {
            JsonOutput.Write(context.Out, w =>
            {
                w.WriteStartArray();
                foreach (var registration in registrations)
                {
                    w.WriteStartObject();
                    w.WriteString("name", registration.Name);
                    w.WriteNumber("steps", registration.Descriptor.Steps.Count);
                    w.WriteBoolean("durable", registration.IsDurable);
                    w.WriteStartArray("schedules");
                    foreach (var schedule in registration.Schedules)
                    {
                        WriteSchedule(w, schedule, context.Time);
                    }

                    w.WriteEndArray();
                    w.WriteString("description", registration.Descriptor.Description);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return ExitCodes.Success;
        }

        if (registrations.Count == 0)
        {
            context.Error.WriteLine("This app has no workflows.");
            return ExitCodes.Success;
        }

        var rows = registrations.Select(r => (IReadOnlyList<string>)new[]
        {
            r.Name,
            Format.Number(r.Descriptor.Steps.Count),
            r.IsDurable ? "yes" : "no",
            r.Schedules.Count == 0 ? "manual" : string.Join("; ", r.Schedules.Select(s => $"{s.Cron} ({s.TimeZone})")),
            Format.OneLine(r.Descriptor.Description ?? string.Empty),
        }).ToList();
        TextTable.Write(context.Out, s_listHeaders, rows);
        return ExitCodes.Success;
    }

    private static int ShowAsync(CliContext context, WorkflowRegistration registration, bool json)
    {
        var descriptor = registration.Descriptor;
        if (json)
        {
            JsonOutput.Write(context.Out, w =>
            {
                w.WriteStartObject();
                w.WriteString("name", registration.Name);
                w.WriteString("description", descriptor.Description);
                w.WriteString("sourceFile", descriptor.SourceFile);
                w.WriteBoolean("durable", registration.IsDurable);
                w.WriteStartArray("inputs");
                foreach (var input in registration.Inputs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", input.Name);
                    w.WriteString("type", input.Type);
                    w.WriteBoolean("required", input.IsRequired);
                    w.WriteString("default", input.DefaultValue);
                    w.WriteString("description", input.Description);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("outputs");
                foreach (var output in registration.Outputs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", output.Name);
                    w.WriteString("type", output.Type);
                    w.WriteString("description", output.Description);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("steps");
                foreach (var step in descriptor.Steps)
                {
                    w.WriteStartObject();
                    w.WriteString("id", step.Id);
                    w.WriteString("action", step.Action);
                    w.WriteString("name", step.DisplayName);
                    w.WriteStartArray("dependsOn");
                    foreach (var dependency in step.DependsOn)
                    {
                        w.WriteStringValue(dependency);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("batches");
                foreach (var batch in descriptor.Batches)
                {
                    w.WriteStartArray();
                    foreach (var step in batch)
                    {
                        w.WriteStringValue(step);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteStartArray("schedules");
                foreach (var schedule in registration.Schedules)
                {
                    WriteSchedule(w, schedule, context.Time);
                }

                w.WriteEndArray();
                w.WriteString("mermaid", registration.Mermaid);
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }

        var o = context.Out;
        o.WriteLine($"name:        {registration.Name}");
        if (!string.IsNullOrEmpty(descriptor.Description))
        {
            o.WriteLine($"description: {Format.OneLine(descriptor.Description)}");
        }

        o.WriteLine($"source:      {descriptor.SourceFile}");
        o.WriteLine($"durable:     {(registration.IsDurable ? "yes" : "no")}");

        o.WriteLine();
        o.WriteLine("inputs:");
        if (registration.Inputs.Count == 0)
        {
            o.WriteLine("  (none)");
        }

        foreach (var input in registration.Inputs)
        {
            var need = input.IsRequired ? "required" : input.DefaultValue is null ? "optional" : "default " + input.DefaultValue;
            var description = string.IsNullOrEmpty(input.Description) ? "" : " - " + Format.OneLine(input.Description);
            o.WriteLine($"  {input.Name} ({input.Type}, {need}){description}");
        }

        o.WriteLine();
        o.WriteLine("outputs:");
        if (registration.Outputs.Count == 0)
        {
            o.WriteLine("  (none)");
        }

        foreach (var output in registration.Outputs)
        {
            var description = string.IsNullOrEmpty(output.Description) ? "" : " - " + Format.OneLine(output.Description);
            o.WriteLine($"  {output.Name} ({output.Type}){description}");
        }

        o.WriteLine();
        o.WriteLine("steps:");
        var width = descriptor.Steps.Count == 0 ? 0 : descriptor.Steps.Max(s => s.Id.Length);
        var actionWidth = descriptor.Steps.Count == 0 ? 0 : descriptor.Steps.Max(s => s.Action.Length);
        foreach (var step in descriptor.Steps)
        {
            var line = $"  {step.Id.PadRight(width)}  {step.Action.PadRight(actionWidth)}";
            if (step.DependsOn.Count > 0)
            {
                line += "  after " + string.Join(", ", step.DependsOn);
            }

            o.WriteLine(line.TrimEnd());
        }

        o.WriteLine();
        o.WriteLine("batches:");
        for (var i = 0; i < descriptor.Batches.Count; i++)
        {
            o.WriteLine($"  {Format.Number(i + 1)}: {string.Join(", ", descriptor.Batches[i])}");
        }

        o.WriteLine();
        o.WriteLine("schedules:");
        if (registration.Schedules.Count == 0)
        {
            o.WriteLine("  (none: manual)");
        }

        foreach (var schedule in registration.Schedules)
        {
            o.WriteLine($"  {schedule.Cron} ({schedule.TimeZone})  next {NextText(schedule, context.Time)}");
        }

        if (!string.IsNullOrEmpty(registration.Mermaid))
        {
            o.WriteLine();
            o.WriteLine("```mermaid");
            o.WriteLine(registration.Mermaid.TrimEnd('\r', '\n'));
            o.WriteLine("```");
        }

        return ExitCodes.Success;
    }

    /// <summary>The schedule's next occurrence in its time zone; null when there is none or it cannot be computed.</summary>
    public static DateTimeOffset? Next(WorkflowSchedule schedule, TimeProvider time, out string? problem)
    {
        problem = null;
        try
        {
            var next = schedule.Expression.GetNextOccurrence(time.GetUtcNow(), schedule.Zone);
            if (next is null)
            {
                problem = "no more occurrences";
                return null;
            }

            return TimeZoneInfo.ConvertTime(next.Value, schedule.Zone);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException)
        {
            problem = exception.Message;
            return null;
        }
    }

    public static string NextText(WorkflowSchedule schedule, TimeProvider time)
        => Next(schedule, time, out var problem) is { } next ? Format.Local(next) : "(" + problem + ")";

    private static void WriteSchedule(Utf8JsonWriter w, WorkflowSchedule schedule, TimeProvider time)
    {
        w.WriteStartObject();
        w.WriteString("cron", schedule.Cron);
        w.WriteString("timeZone", schedule.TimeZone);
        w.WriteBoolean("allowOverlap", schedule.AllowOverlap);
        w.WriteString("catchUp", schedule.CatchUp.ToString());
        JsonOutput.WriteTime(w, "next", Next(schedule, time, out _));
        w.WriteEndObject();
    }
}
