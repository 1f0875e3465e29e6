using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Workflows.BuiltIns;

/// <summary>Kills a whole process group on Linux: <c>kill(-pgid, SIGKILL)</c>.</summary>
internal static partial class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>Sends SIGKILL to every process of group <paramref name="groupId"/>; true when the signal was sent.</summary>
    public static bool Kill(int groupId)
    {
        if (groupId <= 1)
        {
            return false;
        }

        try
        {
            return NativeKill(-groupId, SigKill) == 0;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // No loadable libc under that name: the shell's kill does the same.
            using var kill = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "kill -KILL -- -\"$1\"", "sh", groupId.ToString(CultureInfo.InvariantCulture) } });
            kill?.WaitForExit();
            return kill?.ExitCode == 0;
        }
    }

    // Blittable arguments only: no marshalling code, so it works under NativeAOT and trimming as it is.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
}
