using System;
using System.Collections.Generic;
using Workflows.Generators.Binding;
using Workflows.Generators.Model;
using Workflows.Generators.Parsing;

namespace Workflows.Generators;

/// <summary>
/// What <see cref="WorkflowValidation"/> keeps between the analyzer's runs over one project: each file's parsed
/// document (by its text) and each document's binding (<see cref="BindingCache"/>). An IDE compiles on every
/// keystroke in any file; with these an edit redoes only what it can change.
/// </summary>
internal sealed class ValidationCache
{
    // One per project (by assembly name), shared by the compilations an IDE makes of it one after another.
    private const int MaxProjects = 64;
    private static readonly Dictionary<string, ValidationCache> s_projects = new(StringComparer.Ordinal);

    private readonly object _gate = new();
    private Dictionary<string, (string Text, WorkflowDocument Document)> _parsed = new(StringComparer.Ordinal);

    public BindingCache Bindings { get; } = new();

    public static ValidationCache For(string? project)
    {
        lock (s_projects)
        {
            if (!s_projects.TryGetValue(project ?? string.Empty, out var cache))
            {
                if (s_projects.Count >= MaxProjects)
                {
                    s_projects.Clear();
                }

                s_projects.Add(project ?? string.Empty, cache = new ValidationCache());
            }

            return cache;
        }
    }

    /// <summary>Parses each file, reusing the document of a file whose text has not changed.</summary>
    public List<WorkflowDocument> Parse(IReadOnlyList<(string Path, string? Text)> files)
    {
        Dictionary<string, (string Text, WorkflowDocument Document)> previous;
        lock (_gate)
        {
            previous = _parsed;
        }

        var documents = new List<WorkflowDocument>(files.Count);
        var parsed = new Dictionary<string, (string Text, WorkflowDocument Document)>(StringComparer.Ordinal);
        foreach (var (path, text) in files)
        {
            var current = text ?? string.Empty;
            var document = previous.TryGetValue(path, out var entry) && string.Equals(entry.Text, current, StringComparison.Ordinal)
                ? entry.Document
                : WorkflowDocumentParser.Parse(path, text);
            parsed[path] = (current, document);
            documents.Add(document);
        }

        lock (_gate)
        {
            _parsed = parsed;
        }

        return documents;
    }
}
