using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Workflows.BuiltIns;

/// <summary>
/// Resolves the paths of the built-in file actions under <see cref="WorkflowOptions.FileRoot"/> and refuses
/// any that lead out of it: absolute paths, <c>..</c> that climbs above the root, and symbolic links (at any
/// level, followed like <c>realpath</c> does) whose target is outside the root.
/// </summary>
/// <remarks>
/// The check is made when the action starts, on the path's text. On Linux, a file the action opens is checked again
/// once open (its real path, read from <c>/proc/self/fd</c>), so that a directory swapped for a symbolic link in
/// between cannot make it read a file outside the root or write content there. What stays out of reach (renames,
/// deletes and created directories act on names; hard links look like any file) is listed in the README.
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
            return Checked(realRoot);
        }

        var realDirectory = RealPath(Path.GetDirectoryName(full)!);
        if (!IsUnder(realDirectory, realRoot))
        {
            throw new WorkflowPathException(path, root, $"its directory is a symbolic link to '{realDirectory}', which is outside the root");
        }

        return Checked(Path.Join(realDirectory, Path.GetFileName(full)));
    }

    /// <summary>
    /// Like <see cref="Resolve"/>, for a path that must name a file in the root: the root itself (<c>.</c>) is refused
    /// before anything is written (its "directory" would be the root's parent).
    /// </summary>
    public static string ResolveFile(WorkflowOptions options, string path, string parameterName)
    {
        var full = Resolve(options, path, parameterName);
        var root = GetRoot(options);
        if (string.Equals(full, RealPath(root), s_comparison))
        {
            throw new WorkflowPathException(path, root, "it is the file root itself, not a file in it");
        }

        return full;
    }

    /// <summary>
    /// On Linux, throws <see cref="WorkflowPathException"/> when the file open as <paramref name="handle"/> is not under the
    /// root after all: a directory of its path was replaced by a symbolic link after <see cref="Resolve"/> checked it.
    /// </summary>
    public static void VerifyOpened(SafeFileHandle handle, WorkflowOptions options, string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string? opened;
        try
        {
            opened = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        }
        catch (IOException)
        {
            return; // No /proc: the check made on the path is all there is.
        }

        var root = GetRoot(options);
        if (opened is not null && !IsUnder(opened, RealPath(root)))
        {
            throw new WorkflowPathException(path, root, $"it was opened at '{opened}', outside the root: a directory on its way was replaced by a symbolic link while the action ran");
        }
    }

    /// <summary>Lets a test act between the check of a path and its use, as a concurrent process could (this flow only).</summary>
    internal static readonly AsyncLocal<Action<string>?> AfterCheckForTests = new();

    private static string Checked(string full)
    {
        AfterCheckForTests.Value?.Invoke(full);
        return full;
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
