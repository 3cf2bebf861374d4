namespace Pki.Storage.PostgreSql;

/// <summary>
/// Instants are stored as UTC ticks in <c>bigint</c> columns: <c>timestamptz</c> keeps only microseconds, and records
/// must read back equal to the tick.
/// </summary>
internal static class PostgreSqlTime
{
    public static long ToTicks(DateTimeOffset value) => value.UtcTicks;

    public static long? ToTicks(DateTimeOffset? value) => value?.UtcTicks;

    public static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);
}
