using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite.Tests.TestSupport;

/// <summary>A fresh database file in its own temporary directory, deleted (with its WAL files) on disposal.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pki-sqlite-tests", Guid.NewGuid().ToString("N"));
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open elsewhere is left for the OS to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
