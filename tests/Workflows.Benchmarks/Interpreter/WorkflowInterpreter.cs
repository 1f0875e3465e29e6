using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using YamlDotNet.Serialization;

namespace Workflows.Benchmarks.Interpreter;

/// <summary>A step as read from the YAML at load time.</summary>
public sealed record StepDefinition(string Id, string Action, IReadOnlyList<string> DependsOn);

/// <summary>
/// A straightforward run-time workflow engine, the kind the generated executors replace: the YAML is read
/// once into a dictionary of steps, actions are found by name in a delegate table, and every run computes
/// the topological levels and runs each level with <see cref="Task.WhenAll(Task[])"/>.
/// Benchmarks only: nothing like it ships in src/.
/// </summary>
public sealed class WorkflowInterpreter
{
    private readonly Dictionary<string, StepDefinition> _steps;
    private readonly IReadOnlyDictionary<string, Func<CancellationToken, Task>> _actions;

    private WorkflowInterpreter(string name, Dictionary<string, StepDefinition> steps, IReadOnlyDictionary<string, Func<CancellationToken, Task>> actions)
    {
        Name = name;
        _steps = steps;
        _actions = actions;
    }

    public string Name { get; }

    public int StepCount => _steps.Count;

    /// <summary>Parses <paramref name="yaml"/> with YamlDotNet into a dictionary of steps.</summary>
    public static WorkflowInterpreter Load(string yaml, IReadOnlyDictionary<string, Func<CancellationToken, Task>> actions)
    {
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(new StringReader(yaml));
        var steps = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var item in (List<object>)document["steps"])
        {
            var step = (Dictionary<object, object>)item;
            var dependsOn = step.TryGetValue("depends_on", out var value)
                ? value switch
                {
                    string single => new[] { single },
                    List<object> list => list.Select(d => (string)d).ToArray(),
                    _ => throw new InvalidDataException("depends_on must be a step id or a list of step ids"),
                }
                : Array.Empty<string>();
            var id = (string)step["id"];
            steps.Add(id, new StepDefinition(id, (string)step["action"], dependsOn));
        }

        return new WorkflowInterpreter((string)document["name"], steps, actions);
    }

    /// <summary>Loads an embedded workflow file of this assembly (the same file the generator compiled).</summary>
    public static WorkflowInterpreter LoadEmbedded(string fileName)
    {
        using var stream = typeof(WorkflowInterpreter).Assembly.GetManifestResourceStream(fileName)
            ?? throw new FileNotFoundException("Not an embedded resource", fileName);
        using var reader = new StreamReader(stream);
        return Load(reader.ReadToEnd(), ActionTable.FromAssembly(typeof(WorkflowInterpreter).Assembly));
    }

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        foreach (var level in ComputeLevels())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tasks = new Task[level.Count];
            for (var i = 0; i < level.Count; i++)
            {
                var step = level[i];
                if (!_actions.TryGetValue(step.Action, out var action))
                {
                    throw new InvalidOperationException($"Step '{step.Id}' uses unknown action '{step.Action}'");
                }

                tasks[i] = action(cancellationToken);
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    /// <summary>Kahn's algorithm, level by level: every step whose dependencies are all in earlier levels.</summary>
    public List<List<StepDefinition>> ComputeLevels()
    {
        var remaining = new Dictionary<string, int>(_steps.Count, StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<string>>(_steps.Count, StringComparer.Ordinal);
        var current = new List<StepDefinition>();
        foreach (var step in _steps.Values)
        {
            remaining[step.Id] = step.DependsOn.Count;
            if (step.DependsOn.Count == 0)
            {
                current.Add(step);
            }

            foreach (var dependency in step.DependsOn)
            {
                if (!_steps.ContainsKey(dependency))
                {
                    throw new InvalidOperationException($"Step '{step.Id}' depends on unknown step '{dependency}'");
                }

                if (!dependents.TryGetValue(dependency, out var list))
                {
                    dependents[dependency] = list = new List<string>();
                }

                list.Add(step.Id);
            }
        }

        var levels = new List<List<StepDefinition>>();
        var placed = 0;
        while (current.Count > 0)
        {
            levels.Add(current);
            placed += current.Count;
            var next = new List<StepDefinition>();
            foreach (var step in current)
            {
                if (dependents.TryGetValue(step.Id, out var list))
                {
                    foreach (var dependent in list)
                    {
                        if (--remaining[dependent] == 0)
                        {
                            next.Add(_steps[dependent]);
                        }
                    }
                }
            }

            current = next;
        }

        if (placed != _steps.Count)
        {
            throw new InvalidOperationException($"Workflow '{Name}' has a dependency cycle");
        }

        return levels;
    }
}

/// <summary>Binds action names to delegates once, by reflection over <see cref="WorkflowActionAttribute"/> methods.</summary>
public static class ActionTable
{
    public static IReadOnlyDictionary<string, Func<CancellationToken, Task>> FromAssembly(Assembly assembly)
    {
        var table = new Dictionary<string, Func<CancellationToken, Task>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                // Only the parameterless actions of the four interpreted workloads; the durable benchmarks' take values.
                if (method.GetCustomAttribute<WorkflowActionAttribute>() is { } attribute && method.GetParameters().All(p => p.ParameterType == typeof(CancellationToken)))
                {
                    table.Add(attribute.Name, Bind(method));
                }
            }
        }

        return table;
    }

    private static Func<CancellationToken, Task> Bind(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var takesToken = parameters.Length == 1 && parameters[0].ParameterType == typeof(CancellationToken);
        if (parameters.Length > (takesToken ? 1 : 0))
        {
            throw new NotSupportedException($"{method.Name}: only parameterless actions (or a CancellationToken) are bound");
        }

        if (method.ReturnType == typeof(void))
        {
            if (takesToken)
            {
                var action = method.CreateDelegate<Action<CancellationToken>>();
                return token => { action(token); return Task.CompletedTask; };
            }
            else
            {
                var action = method.CreateDelegate<Action>();
                return _ => { action(); return Task.CompletedTask; };
            }
        }

        if (method.ReturnType == typeof(Task))
        {
            if (takesToken)
            {
                return method.CreateDelegate<Func<CancellationToken, Task>>();
            }

            var function = method.CreateDelegate<Func<Task>>();
            return _ => function();
        }

        throw new NotSupportedException($"{method.Name}: only void and Task actions are bound");
    }
}
