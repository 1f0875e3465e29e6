using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.BuiltIns;

/// <summary>
/// The built-in <c>file.*</c> actions. Every path is relative to <see cref="WorkflowOptions.FileRoot"/> (the
/// current directory when not set) and must stay inside it: absolute paths, <c>..</c> that climbs out and
/// symbolic links that lead out fail with <see cref="WorkflowPathException"/>. Text is UTF-8 unless
/// <c>encoding</c> names another (<c>utf-16</c>, <c>utf-16BE</c>, <c>utf-32</c>, <c>ascii</c>, <c>latin1</c>);
/// <c>file.write</c> writes no byte order mark, <c>file.read</c> honours one.
/// </summary>
public static class FileActions
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Reads a text file.</summary>
    /// <param name="path">The file, relative to the file root.</param>
    /// <param name="context">The step.</param>
    /// <param name="encoding">The text encoding; UTF-8 by default (a byte order mark, if any, wins).</param>
    /// <returns>The file's text.</returns>
    [WorkflowAction("file.read", Description = "Reads a text file under the file root.")]
    public static async Task<string> ReadAsync(string path, StepContext context, string? encoding = null)
    {
        var full = SandboxedPath.ResolveFile(context.Options, path, nameof(path));
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            SandboxedPath.VerifyOpened(stream.SafeFileHandle, context.Options, path);
            using var reader = new StreamReader(stream, GetEncoding(encoding), detectEncodingFromByteOrderMarks: true);
            return await reader.ReadToEndAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a text file atomically: the text goes to a temporary file in the same directory, which then
    /// replaces the target in one rename, so readers see the old content or the new, never part of it. Missing
    /// directories are created.
    /// </summary>
    /// <param name="path">The file, relative to the file root.</param>
    /// <param name="content">The text to write.</param>
    /// <param name="context">The step.</param>
    /// <param name="overwrite">Replace an existing file (the default); when false an existing file fails the step.</param>
    /// <param name="encoding">The text encoding; UTF-8 by default. No byte order mark is written.</param>
    /// <returns>The file's full path and length.</returns>
    [WorkflowAction("file.write", Description = "Writes a text file under the file root atomically (temporary file, then rename).")]
    public static async Task<FileResult> WriteAsync(string path, string content, StepContext context, bool overwrite = true, string? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var full = SandboxedPath.ResolveFile(context.Options, path, nameof(path));
        ThrowIfExists(full, path, overwrite);
        var bytes = GetEncoding(encoding).GetBytes(content);
        await ReplaceAtomicallyAsync(full, path, context.Options, overwrite, async (stream, token) =>
        {
            await stream.WriteAsync(bytes, token).ConfigureAwait(false);
        }, context.CancellationToken).ConfigureAwait(false);
        return new FileResult(full, new FileInfo(full).Length);
    }

    /// <summary>Appends text to a file, creating it (and missing directories) when it does not exist.</summary>
    /// <param name="path">The file, relative to the file root.</param>
    /// <param name="content">The text to append.</param>
    /// <param name="context">The step.</param>
    /// <param name="encoding">The text encoding; UTF-8 by default. No byte order mark is written.</param>
    /// <returns>The file's full path and length.</returns>
    [WorkflowAction("file.append", Description = "Appends text to a file under the file root, creating it if needed.")]
    public static async Task<FileResult> AppendAsync(string path, string content, StepContext context, string? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var full = SandboxedPath.ResolveFile(context.Options, path, nameof(path));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var bytes = GetEncoding(encoding).GetBytes(content);
        var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            SandboxedPath.VerifyOpened(stream.SafeFileHandle, context.Options, path);
            await stream.WriteAsync(bytes, context.CancellationToken).ConfigureAwait(false);
        }

        return new FileResult(full, new FileInfo(full).Length);
    }

    /// <summary>
    /// Copies a file. The copy is made to a temporary file beside the destination and renamed into place, so
    /// the destination is never seen half-written. Missing directories are created.
    /// </summary>
    /// <param name="source">The file to copy, relative to the file root.</param>
    /// <param name="destination">The new file, relative to the file root.</param>
    /// <param name="context">The step.</param>
    /// <param name="overwrite">Replace an existing destination; false (the default) fails the step instead.</param>
    /// <returns>The destination's full path and length.</returns>
    [WorkflowAction("file.copy", Description = "Copies a file under the file root.")]
    public static async Task<FileResult> CopyAsync(string source, string destination, StepContext context, bool overwrite = false)
    {
        var from = SandboxedPath.ResolveFile(context.Options, source, nameof(source));
        var to = SandboxedPath.ResolveFile(context.Options, destination, nameof(destination));
        if (!File.Exists(from))
        {
            throw new FileNotFoundException($"file.copy: the source '{source}' does not exist (looked for '{from}').", from);
        }

        ThrowIfExists(to, destination, overwrite);
        var options = context.Options;
        await ReplaceAtomicallyAsync(to, destination, options, overwrite, async (stream, token) =>
        {
            var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            await using (input.ConfigureAwait(false))
            {
                SandboxedPath.VerifyOpened(input.SafeFileHandle, options, source);
                await input.CopyToAsync(stream, token).ConfigureAwait(false);
            }
        }, context.CancellationToken).ConfigureAwait(false);
        return new FileResult(to, new FileInfo(to).Length);
    }

    /// <summary>Moves (renames) a file. Missing directories of the destination are created.</summary>
    /// <param name="source">The file to move, relative to the file root.</param>
    /// <param name="destination">Its new path, relative to the file root.</param>
    /// <param name="context">The step.</param>
    /// <param name="overwrite">Replace an existing destination; false (the default) fails the step instead.</param>
    /// <returns>The destination's full path and length.</returns>
    [WorkflowAction("file.move", Description = "Moves (renames) a file under the file root.")]
    public static FileResult Move(string source, string destination, StepContext context, bool overwrite = false)
    {
        var from = SandboxedPath.ResolveFile(context.Options, source, nameof(source));
        var to = SandboxedPath.ResolveFile(context.Options, destination, nameof(destination));
        if (!File.Exists(from) && new FileInfo(from).LinkTarget is null)
        {
            throw new FileNotFoundException($"file.move: the source '{source}' does not exist (looked for '{from}').", from);
        }

        ThrowIfExists(to, destination, overwrite);
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Move(from, to, overwrite);
        return new FileResult(to, new FileInfo(to).Length);
    }

    /// <summary>Deletes a file (a symbolic link is deleted itself, not its target).</summary>
    /// <param name="path">The file, relative to the file root.</param>
    /// <param name="context">The step.</param>
    /// <param name="missingOk">When true (the default) a missing file is not an error.</param>
    /// <returns>True when a file was deleted, false when there was none.</returns>
    [WorkflowAction("file.delete", Description = "Deletes a file under the file root.")]
    public static bool Delete(string path, StepContext context, bool missingOk = true)
    {
        var full = SandboxedPath.ResolveFile(context.Options, path, nameof(path));
        var info = new FileInfo(full);
        if (info.LinkTarget is null)
        {
            if (Directory.Exists(full))
            {
                throw new IOException($"file.delete: '{path}' is a directory; file.delete deletes files only.");
            }

            if (!info.Exists)
            {
                return missingOk ? false : throw new FileNotFoundException($"file.delete: '{path}' does not exist (looked for '{full}'). Set missing_ok: true to accept that.", full);
            }
        }

        File.Delete(full);
        return true;
    }

    /// <summary>Tells whether a file exists (a directory does not count).</summary>
    /// <param name="path">The file, relative to the file root.</param>
    /// <param name="context">The step.</param>
    /// <returns>True when the file exists.</returns>
    [WorkflowAction("file.exists", Description = "Tells whether a file exists under the file root.")]
    public static bool Exists(string path, StepContext context)
        => File.Exists(SandboxedPath.Resolve(context.Options, path, nameof(path)));

    private static void ThrowIfExists(string full, string path, bool overwrite)
    {
        if (!overwrite && File.Exists(full))
        {
            throw new IOException($"'{path}' already exists (at '{full}'). Set overwrite: true to replace it.");
        }
    }

    private static async Task ReplaceAtomicallyAsync(string full, string path, WorkflowOptions options, bool overwrite, Func<FileStream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Join(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                // Before any content: the temporary file must really be under the root.
                SandboxedPath.VerifyOpened(stream.SafeFileHandle, options, path);
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows() && File.Exists(full))
            {
                // Keep the permissions of the file being replaced.
                File.SetUnixFileMode(temp, File.GetUnixFileMode(full));
            }

            File.Move(temp, full, overwrite);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // Best effort: the original error matters more.
            }
            catch (UnauthorizedAccessException)
            {
                // Best effort: the original error matters more.
            }

            throw;
        }
    }

    private static Encoding GetEncoding(string? encoding)
    {
        if (string.IsNullOrEmpty(encoding) || encoding.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || encoding.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return s_utf8;
        }

        try
        {
            return Encoding.GetEncoding(encoding);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"'{encoding}' is not a known encoding: use utf-8, utf-16, utf-16BE, utf-32, ascii or latin1.", nameof(encoding), exception);
        }
    }
}
