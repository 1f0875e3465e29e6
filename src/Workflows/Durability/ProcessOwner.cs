using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace Workflows.Durability;

/// <summary>
/// The default <see cref="WorkflowOptions.Owner"/>, and whether the process an owner names is known to be gone.
/// </summary>
/// <remarks>
/// A default owner reads <c>machine:app:pid:start:n</c>: the machine, the app, the process id, what identifies the
/// process beyond its id, and the options instance in the process. A restarted process has another owner, so it
/// cannot renew its predecessor's lease; instead, when the owner of a run is a process of this machine that no
/// longer runs, the run is taken over at once rather than when the lease expires. Only then: a live owner (another
/// process, or this one) and an owner of another machine or container keep the run until their lease expires.
/// On Linux, "start" is the boot id, the pid namespace and the process's start time (clock ticks since boot), so a
/// recycled process id and a process of another container are told apart. Elsewhere it is only informative, and
/// runs wait for their lease as before.
/// </remarks>
internal static class ProcessOwner
{
    private static readonly Lazy<(string Key, string? Boot, string? Namespace)> s_self = new(ReadSelf);
    private static int s_instances;

    /// <summary>A new default owner for a <see cref="WorkflowOptions"/> instance of this process.</summary>
    public static string NewDefault()
    {
        var app = (AppDomain.CurrentDomain.FriendlyName is { Length: > 0 } name ? name : "app").Replace(':', '_');
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{app}:{Environment.ProcessId}:{s_self.Value.Key}:{Interlocked.Increment(ref s_instances)}");
    }

    /// <summary>
    /// True only when <paramref name="owner"/> is a default owner whose process ran on this Linux machine (this boot of
    /// its kernel, this pid namespace) and has ended. False when it may still run, or when that cannot be told.
    /// </summary>
    public static bool IsGone(string? owner)
    {
        var parts = owner?.Split(':');
        if (parts is not { Length: >= 5 } || !int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId && parts[^2] == s_self.Value.Key)
        {
            return false;
        }

        var key = parts[^2].Split('.');
        if (!OperatingSystem.IsLinux() || key.Length != 3 || s_self.Value.Boot is null || key[0] != s_self.Value.Boot || key[1] != s_self.Value.Namespace)
        {
            return false;
        }

        var start = StartTime(pid);
        return start is null || start != key[2];
    }

    private static (string Key, string? Boot, string? Namespace) ReadSelf()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim().Replace("-", "", StringComparison.Ordinal)[..8];
                var pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget is { } target ? new string(target.Where(char.IsAsciiDigit).ToArray()) : null;
                if (pidNamespace is { Length: > 0 } && StartTime(Environment.ProcessId) is { } start)
                {
                    return ($"{boot}.{pidNamespace}.{start}", boot, pidNamespace);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
            }

        }

        // Never "gone" (such a run waits for its lease): only Linux's /proc tells a process from a later one with its id.
        return ("t" + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture), null, null);
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat (start time in clock ticks since boot); null when the process is gone or a zombie.</summary>
    private static string? StartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && fields[0] is not ("Z" or "X") ? fields[19] : null;
    }
}
