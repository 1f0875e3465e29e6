using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>
/// What the emitter derives from a spec before writing: which steps may be skipped, the condition each one
/// runs under, and which outputs and success flags some code reads (only those get variables, so the
/// generated code has no unused state).
/// </summary>
internal sealed class RunPlan
{
    private readonly WorkflowSpec _spec;
    private readonly bool[] _mayBeSkipped;
    private readonly string _allCode;

    public RunPlan(WorkflowSpec spec)
    {
        _spec = spec;
        _mayBeSkipped = new bool[spec.Steps.Count];
        foreach (var batch in spec.Batches)
        {
            foreach (var index in batch)
            {
                var step = spec.Steps[index];
                _mayBeSkipped[index] = step.Condition is not null
                    || (!step.RunsAfterSkippedDependencies && step.Dependencies.Any(MayNotSucceed));
            }
        }

        var code = spec.Steps.SelectMany(s => s.Arguments.Select(a => a.Expression))
            .Concat(spec.Steps.SelectMany(s => s.Compensation?.Arguments.Select(a => a.Expression) ?? Enumerable.Empty<string>()))
            .Concat(spec.Steps.Where(s => s.ForEach is not null).Select(s => s.ForEach!.Source)) // the collection a foreach reads
            .Concat(spec.Outputs.Select(o => o.Value))
            .Concat(spec.Steps.Select(RunCondition).Where(c => c is not null).Select(c => c!));
        _allCode = string.Join("\n", code);
    }

    /// <summary>
    /// The C# condition under which the step runs, or null when it always runs once its dependencies are done.
    /// A step whose dependency was skipped is skipped too, unless it calls <c>always()</c>.
    /// </summary>
    public string? RunCondition(StepSpec step)
    {
        var index = _spec.IndexOf(step);
        if (!_mayBeSkipped[index])
        {
            return null;
        }

        var parts = new List<string>();
        if (!step.RunsAfterSkippedDependencies)
        {
            parts.AddRange(step.Dependencies.Where(MayNotSucceed).Select(d => _spec.Steps[d].SucceededVariable));
        }

        if (step.Condition is not null)
        {
            parts.Add(step.Condition);
        }

        return parts.Count == 0 ? null : string.Join(" && ", parts);
    }

    public bool IsSucceededRead(StepSpec step) => Mentions(step.SucceededVariable);

    public bool IsFailedRead(StepSpec step) => step.ContinueOnError && Mentions(step.FailedVariable);

    /// <summary>A step that may be skipped, or that may fail without failing the run.</summary>
    private bool MayNotSucceed(int index) => _mayBeSkipped[index] || _spec.Steps[index].ContinueOnError;

    /// <summary>True when the step's output is kept: something reads it, or a durable run records it.</summary>
    public bool IsOutputRead(StepSpec step) => step.HasOutput && (_spec.Durable is not null || Mentions(step.OutputVariable));

    private bool Mentions(string identifier) => Regex.IsMatch(_allCode, @"\b" + Regex.Escape(identifier) + @"\b");
}
