using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Pki.Storage.PostgreSql.TestSupport;

namespace Pki.Storage.PostgreSql.Tests.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: <c>initdb</c> into a temp directory, <c>pg_ctl start</c> on a free
/// loopback port (Unix socket in the temp directory too), stopped and deleted when the test process exits. Started once
/// per process and shared; each test class gets its own database (<see cref="PostgreSqlDatabaseFixture"/>).
/// </summary>
/// <remarks>
/// The binaries come from <c>PKI_PG_BIN</c>, else <c>PATH</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>. When
/// none is found the tests fail with a message saying how to install them; they never skip. PostgreSQL refuses to run
/// as root, so under root (CI containers) the cluster runs as the OS user <c>postgres</c> via <c>runuser</c>.
/// </remarks>
internal sealed class PostgreSqlCluster
{
    private static readonly Lazy<Task<PostgreSqlCluster>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _asPostgresUser;

    private PostgreSqlCluster(string binDirectory, string root, int port, bool asPostgresUser)
    {
        _binDirectory = binDirectory;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The loopback TCP port.</summary>
    public int Port { get; }

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The shared cluster, started on first use.</summary>
    public static Task<PostgreSqlCluster> GetAsync() => Shared.Value;

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database, int maxPoolSize = 40) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        MaxPoolSize = maxPoolSize,
        Timeout = 30,
        CommandTimeout = 60,
    }.ConnectionString;

    private static async Task<PostgreSqlCluster> StartAsync()
    {
        string bin = FindBinaries();
        bool root = Environment.UserName == "root";
        string directory = Directory.CreateTempSubdirectory("pki-pg-").FullName;
        if (root)
        {
            if (RunCapture("id", ["-u", "postgres"]).Trim().Length == 0)
            {
                throw new InvalidOperationException(
                    "The tests run as root and PostgreSQL refuses to: create the OS user 'postgres' (useradd --system postgres) or run the tests as another user.");
            }

            PostgreSqlTools.Run("chown", ["postgres", directory]);
        }

        int port = PostgreSqlTools.FreePort();
        var cluster = new PostgreSqlCluster(bin, directory, port, root);
        cluster.RunPg("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{directory}'
            max_connections = 400
            shared_buffers = 32MB
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            """);
        cluster.RunPg("pg_ctl", ["-D", cluster.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start"]);
        cluster.StartWatchdog();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return cluster;
    }

    /// <summary>
    /// A detached shell that waits for this process to end (even by <c>kill -9</c>), then stops the cluster and deletes
    /// its directory; the test host may not give <see cref="AppDomain.ProcessExit"/> enough time to do both.
    /// </summary>
    private void StartWatchdog()
    {
        string pgCtl = Path.Combine(_binDirectory, "pg_ctl");
        string stop = _asPostgresUser ? $"runuser -u postgres -- '{pgCtl}'" : $"'{pgCtl}'";
        string script =
            $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 0.5; done; "
            + $"{stop} -D '{DataDirectory}' -m immediate -w stop; rm -rf '{_root}'";
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the cluster watchdog.");
    }

    private void Stop()
    {
        try
        {
            RunPg("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // The watchdog stops it when this did not get to.
        }
    }

    private static string FindBinaries()
    {
        string? configured = Environment.GetEnvironmentVariable("PKI_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "pg_ctl"))
                ? configured
                : throw new InvalidOperationException($"PKI_PG_BIN is '{configured}', but there is no pg_ctl in it.");
        }

        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")))
            {
                return directory;
            }
        }

        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            var newest = Directory.GetDirectories(Debian)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Directory, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Directory is not null)
            {
                return newest.Directory;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in PKI_PG_BIN, on PATH or in /usr/lib/postgresql/*/bin. "
            + "Install them (Debian/Ubuntu: apt-get install postgresql; .ci/run does this) or set PKI_PG_BIN to their directory.");
    }

    private void RunPg(string tool, IEnumerable<string> arguments)
        => PostgreSqlTools.RunTool(_binDirectory, tool, arguments, _asPostgresUser, _root);

    /// <summary>Standard output of a command, or empty when it fails.</summary>
    private static string RunCapture(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : string.Empty;
    }
}
