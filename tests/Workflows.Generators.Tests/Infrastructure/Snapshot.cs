using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace Workflows.Generators.Tests.Infrastructure;

/// <summary>
/// Compares text with a committed file under <c>Snapshots/</c>. <c>Verify</c> is not obtainable here, so this
/// is the small version: set <c>WORKFLOWS_ACCEPT_SNAPSHOTS=1</c> to write the current output as the expected one.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "WORKFLOWS_ACCEPT_SNAPSHOTS";

    public static void Match(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        var expectedPath = Path.Combine(directory, name);
        var normalized = Normalize(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(expectedPath, normalized);
            return;
        }

        var receivedPath = Path.Combine(directory, Path.GetFileNameWithoutExtension(name) + ".received" + Path.GetExtension(name));
        if (!File.Exists(expectedPath))
        {
            File.WriteAllText(receivedPath, normalized);
            Assert.Fail($"No snapshot {expectedPath}. The output is in {receivedPath}; run the tests with {AcceptVariable}=1 to accept it.");
        }

        var expected = Normalize(File.ReadAllText(expectedPath));
        if (!string.Equals(expected, normalized, StringComparison.Ordinal))
        {
            File.WriteAllText(receivedPath, normalized);
            Assert.Fail($"Output differs from {expectedPath} (see {receivedPath}). If the change is intended, run the tests with {AcceptVariable}=1.\n{FirstDifference(expected, normalized)}");
        }

        File.Delete(receivedPath);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                return $"Line {i + 1}:\n  expected: {e}\n  actual:   {a}";
            }
        }

        return string.Empty;
    }
}
