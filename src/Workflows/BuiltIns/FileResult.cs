namespace Workflows.BuiltIns;

/// <summary>The output of <c>file.write</c>, <c>file.append</c>, <c>file.copy</c> and <c>file.move</c>: the file written.</summary>
public sealed class FileResult
{
    /// <summary>Creates the result.</summary>
    public FileResult(string path, long length)
    {
        Path = path;
        Length = length;
    }

    /// <summary>The file's full path (under the file root).</summary>
    public string Path { get; }

    /// <summary>The file's length in bytes after the action.</summary>
    public long Length { get; }
}
