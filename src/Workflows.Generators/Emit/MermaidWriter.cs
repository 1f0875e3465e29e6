using System.Text;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>
/// The workflow's DAG as a Mermaid flowchart: one node per step (id and action), an edge per dependency,
/// conditional steps drawn with a dashed border. Node names are positional (s0, s1, ...) so any step id works.
/// </summary>
internal static class MermaidWriter
{
    public static string Write(WorkflowSpec spec)
    {
        var builder = new StringBuilder("flowchart TD\n");
        for (var i = 0; i < spec.Steps.Count; i++)
        {
            var step = spec.Steps[i];
            builder.Append("    s").Append(i).Append("[\"").Append(Escape(step.Id)).Append("<br/><small>").Append(Escape(step.ActionName)).Append("</small>\"]\n");
        }

        for (var i = 0; i < spec.Steps.Count; i++)
        {
            foreach (var dependency in spec.Steps[i].Dependencies)
            {
                builder.Append("    s").Append(dependency).Append(" --> s").Append(i).Append('\n');
            }
        }

        var conditional = false;
        for (var i = 0; i < spec.Steps.Count; i++)
        {
            if (spec.Steps[i].Condition is not null)
            {
                builder.Append("    class s").Append(i).Append(" conditional\n");
                conditional = true;
            }
        }

        if (conditional)
        {
            builder.Append("    classDef conditional stroke-dasharray: 5 5\n");
        }

        return builder.ToString();
    }

    // Mermaid labels are quoted; a quote or angle bracket in an id or action name is written as an entity.
    private static string Escape(string text)
        => text.Replace("\"", "#quot;").Replace("<", "#lt;").Replace(">", "#gt;");
}
