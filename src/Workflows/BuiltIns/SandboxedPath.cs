using System;
using System.Collections.Generic;
using System.IO;

namespace Workflows.BuiltIns;

/// <summary>
/// Resolves the paths of the built-in file actions under <see cref="WorkflowOptions.FileRoot"/> and refuses
/// any that lead out of it: absolute paths, <c>..</c> that climbs above the root, and symbolic links (at any
/// level, followed like <c>realpath</c> does) whose target is outside the root.
/// </summary>
/// <remarks>
/// The check is made when the action starts. It guards against what a workflow file asks for, not against
/// another process that swaps directories for links while the action runs.
/// </remarks>
internal static class SandboxedPath
{
    private const int MaxLinkHops = 40;

    private static readonly StringComparison s_comparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static readonly char[] s_separators = { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };

    /// <summary>The root directory as a full path: <see cref="WorkflowOptions.FileRoot"/> or the current directory.</summary>
    public static string GetRoot(WorkflowOptions options)
    {
        var root = string.IsNullOrEmpty(options.FileRoot) ? Directory.GetCurrentDirectory() : options.FileRoot;
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>
    /// Resolves <paramref name="path"/> (relative to the root) to the full path to operate on: its directory
    /// is the real (link-free) directory, its last part is the name as given, so that deleting or moving a link
    /// acts on the link. Throws <see cref="WorkflowPathException"/> when the path, its directory or the
    /// file it finally designates is outside the root.
    /// </summary>
    public static string Resolve(WorkflowOptions options, string path, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"'{parameterName}' must be a path relative to the file root, not empty.", parameterName);
        }

        var root = GetRoot(options);
        if (Path.IsPathRooted(path))
        {
            throw new WorkflowPathException(path, root, "it is absolute");
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, path)));
        if (!IsUnder(full, root))
        {
            throw new WorkflowPathException(path, root, "it climbs out of the root with '..'");
        }

        var realRoot = RealPath(root);
        var real = RealPath(full);
        if (!IsUnder(real, realRoot))
        {
            throw new WorkflowPathException(path, root, $"it leads through a symbolic link to '{real}', which is outside the root");
        }

        if (string.Equals(full, root, s_comparison))
        {
            return realRoot;
        }

        var realDirectory = RealPath(Path.GetDirectoryName(full)!);
        if (!IsUnder(realDirectory, realRoot))
        {
            throw new WorkflowPathException(path, root, $"its directory is a symbolic link to '{realDirectory}', which is outside the root");
        }

        return Path.Join(realDirectory, Path.GetFileName(full));
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (both full paths).</summary>
    public static bool IsUnder(string path, string root)
    {
        if (string.Equals(path, root, s_comparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, s_comparison);
    }

    /// <summary>
    /// The path with every symbolic link resolved, component by component, as <c>realpath</c> does; parts
    /// that do not exist are kept as written.
    /// </summary>
    public static string RealPath(string fullPath)
    {
        var current = Path.GetPathRoot(fullPath)!;
        var pending = new List<string>(fullPath[current.Length..].Split(s_separators, StringSplitOptions.RemoveEmptyEntries));
        var hops = 0;
        var index = 0;
        while (index < pending.Count)
        {
            var part = pending[index++];
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"Too many levels of symbolic links at '{next}'.");
            }

            // Continue from the link's target, then the parts after the link.
            var remaining = pending.GetRange(index, pending.Count - index);
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            pending = new List<string>(target.Split(s_separators, StringSplitOptions.RemoveEmptyEntries));
            pending.AddRange(remaining);
            index = 0;
        }

        return current;
    }
}
