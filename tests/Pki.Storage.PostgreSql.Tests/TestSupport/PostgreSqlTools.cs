using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pki.Storage.PostgreSql.TestSupport;

/// <summary>
/// What a throwaway PostgreSQL cluster needs from the OS: a free loopback port and running the server's tools (as the
/// OS user <c>postgres</c> under root, which PostgreSQL refuses to run as). Shared by the test cluster and the
/// benchmarks' cluster (linked into benchmarks/Pki.Storage.Benchmarks).
/// </summary>
internal static class PostgreSqlTools
{
    /// <summary>A loopback TCP port free right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs PostgreSQL tool <paramref name="tool"/> of <paramref name="binDirectory"/>, via <c>runuser</c> when asked.</summary>
    public static void RunTool(string binDirectory, string tool, IEnumerable<string> arguments, bool asPostgresUser, string workingDirectory)
    {
        string path = Path.Combine(binDirectory, tool);
        if (asPostgresUser)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments], workingDirectory);
        }
        else
        {
            Run(path, arguments, workingDirectory);
        }
    }

    /// <summary>Runs <paramref name="file"/> to completion (at most 120 s); a non-zero exit throws with its output.</summary>
    public static void Run(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {output.Result}{error.Result}");
        }
    }
}
