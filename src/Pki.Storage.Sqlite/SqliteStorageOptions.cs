namespace Pki.Storage.Sqlite;

/// <summary>Settings of the SQLite stores added by <see cref="SqlitePkiBuilderExtensions.UseSqlite(Pki.Core.IPkiBuilder, string)"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// How long a write waits for another connection (or another process) that holds the database's write lock before it
    /// fails with <c>SQLITE_BUSY</c>. Default 5 seconds; at most <see cref="int.MaxValue"/> milliseconds.
    /// </summary>
    /// <remarks>Sets SQLite's busy timeout and, rounded up to whole seconds (at least 1), the command timeout within which
    /// Microsoft.Data.Sqlite retries a busy statement; a <c>Default Timeout</c> in the connection string is overridden.</remarks>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether every commit is flushed to disk before it returns. Default <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;
}
