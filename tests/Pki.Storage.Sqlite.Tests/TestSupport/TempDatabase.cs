using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite.Tests.TestSupport;

/// <summary>A fresh database file in its own temporary directory, deleted (with its WAL files) on disposal.</summary>
public sealed class TempDatabase : IDisposable
{
    // One folder per test run, removed when the process exits: a test framework that never disposes (FsCheck runs a
    // property's iterations on instances it does not dispose) leaves nothing behind either.
    private static readonly string RunRoot = CreateRunRoot();

    public TempDatabase()
    {
        Directory = Path.Combine(RunRoot, Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "pki.db");
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();

    /// <summary>A database object as UseSqlite makes it, on this file.</summary>
    internal SqliteDatabase Open(TimeSpan? busyTimeout = null) =>
        new(SqliteDatabase.Settings(ConnectionString, new SqliteStorageOptions { BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5) }));

    /// <summary>A raw connection for inspecting tables.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    private static string CreateRunRoot()
    {
        string parent = Path.Combine(Path.GetTempPath(), "pki-sqlite-tests");
        string root = Path.Combine(parent, Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(root);
        foreach (string stale in System.IO.Directory.GetDirectories(parent))
        {
            // Left by an earlier run whose process is gone (a test host may be ended without ProcessExit).
            if (int.TryParse(Path.GetFileName(stale).Split('-')[0], out int pid) && pid != Environment.ProcessId && !IsRunning(pid))
            {
                TryDelete(stale);
            }
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            SqliteConnection.ClearAllPools();
            TryDelete(root);
        };
        return root;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TryDelete(Directory);
    }
}
