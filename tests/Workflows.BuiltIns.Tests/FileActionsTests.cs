using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.BuiltIns.Tests;

public sealed class FileActionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;
    private readonly string _outside;

    public FileActionsTests()
    {
        _root = _temp.Combine("root");
        _outside = _temp.Combine("outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside secret");
    }

    public void Dispose() => _temp.Dispose();

    private StepContext Context => Contexts.ForRoot(_root);

    [Fact]
    public async Task Write_then_read_round_trips_text_under_the_root_creating_directories()
    {
        var result = await FileActions.WriteAsync("out/deep/hello.txt", "héllo\nworld", Context);

        Assert.Equal(Path.Combine(_root, "out", "deep", "hello.txt"), result.Path);
        Assert.Equal(Encoding.UTF8.GetByteCount("héllo\nworld"), result.Length);
        Assert.Equal("héllo\nworld", await File.ReadAllTextAsync(result.Path));
        Assert.Equal("héllo\nworld", await FileActions.ReadAsync("out/deep/hello.txt", Context));
        Assert.Equal(0xC3, File.ReadAllBytes(result.Path)[1]); // UTF-8 without a byte order mark
    }

    [Fact]
    public async Task Write_replaces_the_content_atomically_and_leaves_no_temporary_file()
    {
        var target = Path.Combine(_root, "config.json");
        await File.WriteAllTextAsync(target, "old old old old old old");
        var inodeBefore = OperatingSystem.IsWindows() ? null : Inode(target);

        await FileActions.WriteAsync("config.json", "new", Context);

        Assert.Equal("new", await File.ReadAllTextAsync(target));
        Assert.Equal(new[] { "config.json" }, Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            // Replaced by a rename: a new inode, not the old file truncated in place.
            Assert.NotEqual(inodeBefore, Inode(target));
        }
    }

    [Fact]
    public async Task Write_keeps_the_permissions_of_the_file_it_replaces()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var target = Path.Combine(_root, "run.sh");
        await File.WriteAllTextAsync(target, "old");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await FileActions.WriteAsync("run.sh", "new", Context);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(target));
    }

    [Fact]
    public async Task Write_without_overwrite_refuses_an_existing_file_and_keeps_it()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "keep.txt"), "original");

        var error = await Assert.ThrowsAsync<IOException>(() => FileActions.WriteAsync("keep.txt", "new", Context, overwrite: false));

        Assert.Contains("overwrite: true", error.Message);
        Assert.Equal("original", await File.ReadAllTextAsync(Path.Combine(_root, "keep.txt")));
        Assert.Single(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task Append_creates_then_appends()
    {
        await FileActions.AppendAsync("log.txt", "a", Context);
        var result = await FileActions.AppendAsync("log.txt", "b", Context);

        Assert.Equal("ab", await File.ReadAllTextAsync(Path.Combine(_root, "log.txt")));
        Assert.Equal(2, result.Length);
    }

    [Fact]
    public async Task Encoding_is_honoured_and_no_byte_order_mark_is_written()
    {
        await FileActions.WriteAsync("u16.txt", "hi", Context, encoding: "utf-16");

        Assert.Equal(new byte[] { (byte)'h', 0, (byte)'i', 0 }, await File.ReadAllBytesAsync(Path.Combine(_root, "u16.txt")));
        Assert.Equal("hi", await FileActions.ReadAsync("u16.txt", Context, encoding: "utf-16"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => FileActions.ReadAsync("u16.txt", Context, encoding: "klingon"));
        Assert.Contains("klingon", error.Message);
    }

    [Fact]
    public async Task Copy_copies_and_refuses_to_overwrite_unless_asked()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "a.txt"), "A");
        await File.WriteAllTextAsync(Path.Combine(_root, "b.txt"), "B");

        var copy = await FileActions.CopyAsync("a.txt", "sub/c.txt", Context);
        Assert.Equal("A", await File.ReadAllTextAsync(copy.Path));
        Assert.Equal("A", await File.ReadAllTextAsync(Path.Combine(_root, "a.txt")));

        await Assert.ThrowsAsync<IOException>(() => FileActions.CopyAsync("a.txt", "b.txt", Context));
        Assert.Equal("B", await File.ReadAllTextAsync(Path.Combine(_root, "b.txt")));

        await FileActions.CopyAsync("a.txt", "b.txt", Context, overwrite: true);
        Assert.Equal("A", await File.ReadAllTextAsync(Path.Combine(_root, "b.txt")));
        Assert.Equal(new[] { "a.txt", "b.txt", "sub" }, Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order());

        await Assert.ThrowsAsync<FileNotFoundException>(() => FileActions.CopyAsync("missing.txt", "x.txt", Context));
    }

    [Fact]
    public async Task Move_renames_and_refuses_to_overwrite_unless_asked()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "a.txt"), "A");
        await File.WriteAllTextAsync(Path.Combine(_root, "b.txt"), "B");

        Assert.Throws<IOException>(() => FileActions.Move("a.txt", "b.txt", Context));
        Assert.Equal("B", await File.ReadAllTextAsync(Path.Combine(_root, "b.txt")));

        var moved = FileActions.Move("a.txt", "dir/a2.txt", Context);
        Assert.False(File.Exists(Path.Combine(_root, "a.txt")));
        Assert.Equal("A", await File.ReadAllTextAsync(moved.Path));

        FileActions.Move("dir/a2.txt", "b.txt", Context, overwrite: true);
        Assert.Equal("A", await File.ReadAllTextAsync(Path.Combine(_root, "b.txt")));
        Assert.Throws<FileNotFoundException>(() => FileActions.Move("gone.txt", "x.txt", Context));
    }

    [Fact]
    public async Task Delete_and_exists()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "a.txt"), "A");
        Directory.CreateDirectory(Path.Combine(_root, "dir"));

        Assert.True(FileActions.Exists("a.txt", Context));
        Assert.False(FileActions.Exists("dir", Context));
        Assert.True(FileActions.Delete("a.txt", Context));
        Assert.False(FileActions.Exists("a.txt", Context));
        Assert.False(FileActions.Delete("a.txt", Context));
        var missing = Assert.Throws<FileNotFoundException>(() => FileActions.Delete("a.txt", Context, missingOk: false));
        Assert.Contains("missing_ok", missing.Message);
        Assert.Throws<IOException>(() => FileActions.Delete("dir", Context));
        Assert.True(Directory.Exists(Path.Combine(_root, "dir")));
    }

    [Theory]
    [InlineData("../outside/secret.txt", "climbs out")]
    [InlineData("sub/../../outside/secret.txt", "climbs out")]
    [InlineData("..", "climbs out")]
    public async Task Paths_that_climb_out_of_the_root_are_refused(string path, string reason)
    {
        var read = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync(path, Context));
        Assert.Contains(reason, read.Message);
        Assert.Contains(path, read.Message);
        Assert.Contains(_root, read.Message);
        Assert.Equal(path, read.PathText);
        Assert.Equal(_root, read.Root);

        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.WriteAsync(path, "pwned", Context));
        Assert.Throws<WorkflowPathException>(() => FileActions.Delete(path, Context));
        Assert.Throws<WorkflowPathException>(() => FileActions.Exists(path, Context));
        Assert.Equal("outside secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public async Task Absolute_paths_are_refused_even_inside_the_root()
    {
        var outside = Path.Combine(_outside, "secret.txt");
        var error = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync(outside, Context));
        Assert.Contains("absolute", error.Message);

        await File.WriteAllTextAsync(Path.Combine(_root, "in.txt"), "in");
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync(Path.Combine(_root, "in.txt"), Context));
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.CopyAsync("in.txt", outside, Context, overwrite: true));
        Assert.Equal("outside secret", await File.ReadAllTextAsync(outside));
    }

    [Fact]
    public async Task Dots_that_stay_inside_the_root_are_fine()
    {
        await FileActions.WriteAsync("a/../b/./c.txt", "ok", Context);

        Assert.Equal("ok", await File.ReadAllTextAsync(Path.Combine(_root, "b", "c.txt")));
        Assert.False(Directory.Exists(Path.Combine(_root, "a")));
    }

    [Fact]
    public async Task A_file_symlink_out_of_the_root_is_refused_for_reading_and_writing()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "link.txt"), Path.Combine(_outside, "secret.txt"));

        var read = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync("link.txt", Context));
        Assert.Contains("symbolic link", read.Message);
        Assert.Contains(Path.Combine(_outside, "secret.txt"), read.Message);
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.WriteAsync("link.txt", "pwned", Context));
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.AppendAsync("link.txt", "pwned", Context));
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.CopyAsync("link.txt", "copy.txt", Context));
        Assert.Equal("outside secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt")));
        Assert.False(File.Exists(Path.Combine(_root, "copy.txt")));
    }

    [Fact]
    public async Task A_directory_symlink_out_of_the_root_is_refused_at_any_depth()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "a", "escape"), _outside);

        var read = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync("a/escape/secret.txt", Context));
        Assert.Contains("symbolic link", read.Message);
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.WriteAsync("a/escape/new.txt", "pwned", Context));
        Assert.Throws<WorkflowPathException>(() => FileActions.Delete("a/escape/secret.txt", Context));
        Assert.False(File.Exists(Path.Combine(_outside, "new.txt")));
        Assert.True(File.Exists(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public async Task A_relative_symlink_that_climbs_out_is_refused_and_one_that_stays_inside_works()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        await File.WriteAllTextAsync(Path.Combine(_root, "data", "real.txt"), "inside");
        File.CreateSymbolicLink(Path.Combine(_root, "data", "up.txt"), "../../outside/secret.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "alias.txt"), "data/real.txt");

        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync("data/up.txt", Context));
        Assert.Equal("inside", await FileActions.ReadAsync("alias.txt", Context));

        // Deleting a link removes the link, not what it points to.
        Assert.True(FileActions.Delete("alias.txt", Context));
        Assert.False(File.Exists(Path.Combine(_root, "alias.txt")));
        Assert.True(File.Exists(Path.Combine(_root, "data", "real.txt")));
    }

    [Fact]
    public async Task A_root_reached_through_a_symlink_still_works()
    {
        var linkedRoot = _temp.Combine("linked-root");
        Directory.CreateSymbolicLink(linkedRoot, _root);
        var context = Contexts.ForRoot(linkedRoot);

        await FileActions.WriteAsync("x.txt", "via link", context);

        Assert.Equal("via link", await File.ReadAllTextAsync(Path.Combine(_root, "x.txt")));
        await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync("../outside/secret.txt", context));
    }

    [Fact]
    public async Task Without_a_file_root_paths_resolve_under_the_current_directory()
    {
        var options = new WorkflowOptions();
        Assert.Null(options.FileRoot);

        var error = await Assert.ThrowsAsync<WorkflowPathException>(() => FileActions.ReadAsync("../x", Contexts.For(options)));
        Assert.Equal(Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory()), error.Root);
    }

    private static string Inode(string path)
    {
        // .NET has no inode API.
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.NotEmpty(text);
        return text;
    }
}
