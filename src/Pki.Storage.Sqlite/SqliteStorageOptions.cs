namespace Pki.Storage.Sqlite;

/// <summary>Settings of the SQLite stores added by <see cref="SqlitePkiBuilderExtensions.UseSqlite(Pki.Core.IPkiBuilder, string)"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// How long a write waits for another connection (or another process) that holds the database's write lock before it
    /// fails with <c>SQLITE_BUSY</c>. Default 5 seconds; at most <see cref="int.MaxValue"/> milliseconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether every commit is flushed to disk before it returns. Default <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;
}
