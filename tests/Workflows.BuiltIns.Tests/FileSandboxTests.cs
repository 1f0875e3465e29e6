using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.BuiltIns.Tests;

/// <summary>
/// The edges of the file sandbox, on real files: the root itself as a target, and a directory swapped for a symbolic
/// link between the check of a path and its use (done here at that exact moment through the test hook, as a
/// concurrent process could).
/// </summary>
public sealed class FileSandboxTests : IDisposable
{
    private readonly TempDirectory _outer = new();
    private readonly string _root;
    private readonly string _outside;

    public FileSandboxTests()
    {
        _root = Directory.CreateDirectory(_outer.Combine("root")).FullName;
        _outside = Directory.CreateDirectory(_outer.Combine("outside")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
    }

    public void Dispose()
    {
        SandboxedPath.AfterCheckForTests.Value = null;
        _outer.Dispose();
    }

    private StepContext Context => Contexts.ForRoot(_root);

    private string[] OuterEntries => Directory.GetFileSystemEntries(_outer.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Theory]
    [InlineData(".")]
    [InlineData("sub/..")]
    public async Task The_root_itself_is_refused_as_a_file_before_anything_is_written(string path)
    {
        var write = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.WriteAsync(path, "content", Context));
        Assert.Contains("the file root itself", write.Message);
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.AppendAsync(path, "content", Context));
        File.WriteAllText(Path.Combine(_root, "a.txt"), "a");
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.CopyAsync("a.txt", path, Context, overwrite: true));

        Assert.Equal(new[] { "outside", "root" }, OuterEntries);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    /// <summary>At the check of <c>sub/...</c>, moves the real <c>sub</c> away and puts a link to the outside directory in its place.</summary>
    private void SwapSubForALinkOutside()
    {
        var swapped = false;
        SandboxedPath.AfterCheckForTests.Value = full =>
        {
            if (!swapped && full.Contains($"{Path.DirectorySeparatorChar}sub{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                swapped = true;
                Directory.Move(Path.Combine(_root, "sub"), Path.Combine(_root, "sub-old"));
                File.CreateSymbolicLink(Path.Combine(_root, "sub"), _outside);
            }
        };
    }

    [Fact]
    public async Task A_directory_swapped_for_a_link_after_the_check_receives_no_written_content()
    {
        SwapSubForALinkOutside();

        var error = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.WriteAsync("sub/x.txt", "payload", Context));

        Assert.Contains("replaced by a symbolic link", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task A_directory_swapped_for_a_link_after_the_check_gives_no_outside_file_to_read_or_copy()
    {
        File.WriteAllText(Path.Combine(_root, "sub", "secret.txt"), "inside");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside secret");

        SwapSubForALinkOutside();
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync("sub/secret.txt", Context));

        Directory.Delete(Path.Combine(_root, "sub"));
        Directory.Move(Path.Combine(_root, "sub-old"), Path.Combine(_root, "sub"));
        SwapSubForALinkOutside();
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.CopyAsync("sub/secret.txt", "copy.txt", Context));
        Assert.False(File.Exists(Path.Combine(_root, "copy.txt")));
    }

    [Fact]
    public async Task A_directory_swapped_for_a_link_after_the_check_gets_nothing_appended_outside()
    {
        File.WriteAllText(Path.Combine(_outside, "log.txt"), "original");
        SwapSubForALinkOutside();

        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.AppendAsync("sub/log.txt", "more", Context));

        Assert.Equal("original", File.ReadAllText(Path.Combine(_outside, "log.txt")));
    }
}
