using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability.Tests;

/// <summary>
/// The PostgreSQL server the PostgreSQL tests use, shared by all of them: the <c>WORKFLOWS_POSTGRES</c> connection
/// string when it is set; else a private server started from the installed PostgreSQL binaries (<c>initdb</c> into
/// a temporary folder, a free port on 127.0.0.1, stopped and deleted when the test process exits); else none, and
/// the tests are reported as not run (a failure when <c>WORKFLOWS_REQUIRE_POSTGRES=1</c>, as CI sets it).
/// </summary>
/// <remarks>
/// <c>initdb</c> refuses to run as root: as root, the private server runs as the <c>postgres</c> system user (which
/// the Debian/Ubuntu packages create) through <c>runuser</c>. <c>WORKFLOWS_POSTGRES_BIN</c> names the folder of the
/// binaries instead of searching PATH and <c>/usr/lib/postgresql/*/bin</c>.
/// </remarks>
public static class PostgreSqlServer
{
    /// <summary>How to get these tests to run, in one line.</summary>
    public const string HowToEnable =
        "PostgreSQL tests not run: install PostgreSQL (initdb, pg_ctl and postgres on PATH or in /usr/lib/postgresql/*/bin) for a private server, or set WORKFLOWS_POSTGRES to a connection string.";

    private static readonly Lazy<Task<string>> s_connectionString = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Null when a server can be had (configured, or binaries to start one); else why these tests are not run.
    /// Decided without starting anything, so that test discovery stays fast.
    /// </summary>
    public static string? NotRunReason =>
        Configured is not null || FindBinaries() is not null || RequireServer ? null : HowToEnable;

    /// <summary>True when <c>WORKFLOWS_REQUIRE_POSTGRES=1</c>: a missing server fails the tests instead.</summary>
    public static bool RequireServer => Environment.GetEnvironmentVariable("WORKFLOWS_REQUIRE_POSTGRES") == "1";

    private static string? Configured => Environment.GetEnvironmentVariable("WORKFLOWS_POSTGRES") is { Length: > 0 } value ? value : null;

    /// <summary>
    /// True for a private server that flushes every commit to disk (PostgreSQL's default), as a production server
    /// does; false (the default) for the tests' fast one (<c>fsync=off</c>). Set before the server starts: the
    /// benchmarks, which link this file, measure real commits.
    /// </summary>
    public static bool FlushCommits { get; set; }

    /// <summary>The connection string (superuser, database <c>postgres</c>); starts the private server on first use.</summary>
    public static Task<string> ConnectionStringAsync() => s_connectionString.Value;

    private static async Task<string> StartAsync()
    {
        if (Configured is { } configured)
        {
            return configured;
        }

        var bin = FindBinaries()
            ?? throw new InvalidOperationException("WORKFLOWS_REQUIRE_POSTGRES=1 but no PostgreSQL server: " + HowToEnable);
        var root = !OperatingSystem.IsWindows() && geteuid() == 0;
        var runAs = root ? SystemUser("postgres") : null;
        if (root && runAs is null)
        {
            throw new InvalidOperationException("initdb does not run as root, and there is no 'postgres' system user to run it as. Run the tests as another user, or set WORKFLOWS_POSTGRES.");
        }

        var folder = Directory.CreateTempSubdirectory("wf-pg-").FullName;
        var data = Path.Combine(folder, "data");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(folder, "password"), password);
        if (runAs is not null)
        {
            await RunAsync("chown", [runAs, folder], null);
        }

        var server = new Server(bin, folder, runAs);
        server.StopWhenThisProcessExits();
        await server.RunAsync("initdb", ["-D", data, "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + Path.Combine(folder, "password"), "--no-sync", "-E", "UTF8", "--locale=C"]);

        // A free port can be taken between asking for it and the server binding it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync={(FlushCommits ? "on" : "off")} -c max_connections=200";
            try
            {
                await server.RunAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", data, "-l", Path.Combine(folder, "server.log"), "-o", options]);
                return $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=postgres";
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The folder with initdb, pg_ctl and postgres, or null.</summary>
    private static string? FindBinaries()
    {
        IEnumerable<string> candidates = Environment.GetEnvironmentVariable("WORKFLOWS_POSTGRES_BIN") is { Length: > 0 } bin
            ? [bin]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Concat(Directory.Exists("/usr/lib/postgresql")
                    ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(0, 0)).Select(d => Path.Combine(d, "bin"))
                    : []);
        return candidates.FirstOrDefault(d => new[] { "initdb", "pg_ctl", "postgres" }.All(name => File.Exists(Path.Combine(d, name))));
    }

    [DllImport("libc")]
    private static extern uint geteuid();

    private static string? SystemUser(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(name + ":", StringComparison.Ordinal)) ? name : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string? runAs)
    {
        var start = new ProcessStartInfo(runAs is null ? file : "runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (runAs is not null)
        {
            foreach (var argument in new[] { "-u", runAs, "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    /// <summary>The private server's binaries, folder and the user it runs as.</summary>
    private sealed class Server(string bin, string folder, string? runAs)
    {
        public Task RunAsync(string tool, IReadOnlyList<string> arguments) => PostgreSqlServer.RunAsync(Path.Combine(bin, tool), arguments, runAs);

        /// <summary>
        /// A detached shell waits for this process to end, however it ends (a test host killed at the end of a run
        /// gets no chance to clean up), then stops the server and deletes its folder.
        /// </summary>
        public void StopWhenThisProcessExits()
        {
            var stop = (runAs is null ? "" : $"runuser -u {runAs} -- ") + $"'{Path.Combine(bin, "pg_ctl")}' stop -m immediate -w -D '{Path.Combine(folder, "data")}'";
            var script = $"exec >/dev/null 2>&1 </dev/null; while kill -0 {Environment.ProcessId}; do sleep 0.2; done; [ -f '{folder}/data/postmaster.pid' ] && {stop}; rm -rf '{folder}'";
            var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (var argument in new[] { "sh", "-c", script })
            {
                start.ArgumentList.Add(argument);
            }

            using var watchdog = Process.Start(start)!;
        }
    }
}
