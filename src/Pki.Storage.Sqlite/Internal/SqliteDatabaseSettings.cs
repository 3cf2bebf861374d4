namespace Pki.Storage.Sqlite;

/// <summary>The validated settings one <see cref="SqliteDatabase"/> opens its connections with.</summary>
/// <param name="ConnectionString">The normalized connection string (foreign keys on, pooling on unless turned off).</param>
/// <param name="BusyTimeoutMilliseconds">The <c>sqlite3_busy_timeout</c> of every connection.</param>
/// <param name="Durability">The <c>synchronous</c> setting of every connection.</param>
internal sealed record SqliteDatabaseSettings(string ConnectionString, int BusyTimeoutMilliseconds, SqliteDurability Durability)
{
    /// <summary>The settings without the connection string, which may carry a password.</summary>
    public override string ToString() =>
        $"SqliteDatabaseSettings {{ BusyTimeoutMilliseconds = {BusyTimeoutMilliseconds}, Durability = {Durability} }}";
}
