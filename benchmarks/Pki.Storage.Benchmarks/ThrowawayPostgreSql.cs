using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Pki.Storage.PostgreSql.TestSupport;

namespace Pki.Storage.Benchmarks;

/// <summary>
/// A throwaway PostgreSQL cluster from <c>PKI_PG_BIN</c>: <c>initdb</c> into a temp directory, then <c>postgres</c> run
/// as a child process (not through <c>pg_ctl</c>, which detaches the server into a session of its own: the server
/// stays in the benchmark's session, so <c>quiet-run.sh</c> does not pause it). Its log (stderr) is kept in memory.
/// Stopped and deleted on <see cref="Dispose"/>, or by a watchdog when this process dies.
/// </summary>
/// <remarks>A smaller sibling of tests/Pki.Storage.PostgreSql.Tests/TestSupport/PostgreSqlCluster.cs; both use PostgreSqlTools.
/// PostgreSQL refuses to run as root: under root it runs as the OS user <c>postgres</c> via <c>runuser</c>.</remarks>
internal sealed class ThrowawayPostgreSql : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private readonly StringBuilder _log = new();
    private Process? _server;

    private ThrowawayPostgreSql(string bin, string root, int port, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The server binaries' directory (<c>PKI_PG_BIN</c>), or null when it is not set.</summary>
    public static string? BinDirectory => Environment.GetEnvironmentVariable("PKI_PG_BIN") is { Length: > 0 } bin ? bin : null;

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Everything the server logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a cluster. <paramref name="settings"/> are postgresql.conf lines; by default the server is durable
    /// (<c>fsync</c> and <c>synchronous_commit</c> on), as a production server would be.
    /// </summary>
    public static ThrowawayPostgreSql Start(params string[] settings)
    {
        string bin = BinDirectory ?? throw new InvalidOperationException(
            "PKI_PG_BIN is not set: point it at the PostgreSQL server binaries (ls -d /usr/lib/postgresql/*/bin).");
        if (!File.Exists(Path.Combine(bin, "initdb")))
        {
            throw new InvalidOperationException($"PKI_PG_BIN is '{bin}', but there is no initdb in it.");
        }

        bool root = Environment.UserName == "root";
        string directory = Directory.CreateTempSubdirectory("pki-bench-pg-").FullName;
        if (root)
        {
            PostgreSqlTools.Run("chown", ["postgres", directory]);
        }

        var cluster = new ThrowawayPostgreSql(bin, directory, PostgreSqlTools.FreePort(), root);
        cluster.RunPg("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
        File.AppendAllText(Path.Combine(cluster.DataDirectory, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {cluster.Port}
            unix_socket_directories = '{directory}'
            max_connections = 200
            {string.Join(Environment.NewLine, settings)}
            """);
        cluster.StartServer();
        cluster.StartWatchdog();
        return cluster;
    }

    public string ConnectionString(string database, string? options = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 30,
        CommandTimeout = 0,
        Options = options,
    }.ConnectionString;

    /// <summary>Creates a database and returns a connection string to it.</summary>
    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            RunPg("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Killed below.
        }

        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog deletes it.
        }
    }

    private void StartServer()
    {
        string postgres = Path.Combine(_bin, "postgres");
        var start = _asPostgresUser ? new ProcessStartInfo("runuser") : new ProcessStartInfo(postgres);
        if (_asPostgresUser)
        {
            foreach (string argument in new[] { "-u", "postgres", "--", postgres })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add("-D");
        start.ArgumentList.Add(DataDirectory);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = _root;
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start postgres.");
        _server.ErrorDataReceived += (_, e) => Append(e.Data);
        _server.OutputDataReceived += (_, e) => Append(e.Data);
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();

        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
                connection.Open();
                return;
            }
            catch (NpgsqlException) when (watch.Elapsed < TimeSpan.FromSeconds(60) && !_server.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (NpgsqlException e)
            {
                throw new InvalidOperationException("PostgreSQL did not start: " + Log, e);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>A detached shell that stops the server and deletes its directory when this process ends (even by kill -9).</summary>
    private void StartWatchdog()
    {
        string pgCtl = Path.Combine(_bin, "pg_ctl");
        string stop = _asPostgresUser ? $"runuser -u postgres -- '{pgCtl}'" : $"'{pgCtl}'";
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 0.5; done; "
            + $"{stop} -D '{DataDirectory}' -m immediate -w stop; rm -rf '{_root}'");
        using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the watchdog.");
    }

    private void RunPg(string tool, string[] arguments)
        => PostgreSqlTools.RunTool(_bin, tool, arguments, _asPostgresUser, _root);
}
