using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>Small ADO.NET helpers: commands bound to a transaction, typed parameters, typed column reads.</summary>
/// <remarks>Every value travels as a parameter; SQL text is built only from constant fragments.</remarks>
internal static class Sql
{
    /// <summary>A command on <paramref name="connection"/>, enlisted in <paramref name="transaction"/> when given.</summary>
    /// <remarks>On a <see cref="StatementCachingConnection"/> a constant <paramref name="sql"/> gets that connection's cached,
    /// already prepared command (disposing it gives it back). A query assembled at run time starts with an empty text and
    /// gets a command of its own (<see cref="SetText"/>), so that no cached command ever changes its text.</remarks>
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Callers pass SQL built from constant fragments; values are parameters.")]
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        if (connection is StatementCachingConnection caching && sql.Length > 0)
        {
            return caching.Rent(sql, transaction);
        }

        var command = connection.CreateCommand();
        command.Transaction = transaction ?? (connection as StatementCachingConnection)?.LentTransaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>
    /// Runs the data-changing statement <paramref name="sql"/> (positional parameters <c>?1…</c>) with
    /// <paramref name="values"/> and returns the rows it changed: on a <see cref="StatementCachingConnection"/> through its
    /// compiled <see cref="PreparedStatement"/>, otherwise compiled for this one run.
    /// </summary>
    /// <exception cref="SqliteException">SQLite refused the statement.</exception>
    public static int Execute(SqliteConnection connection, string sql, ReadOnlySpan<SqlValue> values)
    {
        if (connection is StatementCachingConnection caching)
        {
            return caching.Prepare(sql).Execute(values);
        }

        using var statement = PreparedStatement.Compile(connection, sql);
        return statement.Execute(values);
    }

    /// <summary>Sets the text of a command whose SQL was assembled from constant fragments (a query with optional filters).</summary>
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Callers assemble SQL from constant fragments only; values are parameters.")]
    public static void SetText(this SqliteCommand command, string sql) => command.CommandText = sql;

    /// <summary>Adds a parameter; null becomes SQL NULL.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>
    /// Appends <c> AND {condition}</c> and binds <paramref name="name"/> when <paramref name="value"/> is set: the one shape
    /// of every optional query filter. <paramref name="condition"/> is a constant fragment; the value is always a parameter.
    /// </summary>
    public static void AndIfSet(this SqliteCommand command, System.Text.StringBuilder sql, string condition, string name, object? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(condition);
            command.With(name, value);
        }
    }

    /// <summary>An instant as UTC ticks, exact to the tick (the offset is not kept; instants compare equal).</summary>
    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    /// <summary>An optional instant as UTC ticks.</summary>
    public static long? Ticks(DateTimeOffset? value) => value?.UtcTicks;

    /// <summary>Reads UTC ticks back as an instant with offset zero.</summary>
    public static DateTimeOffset Instant(this SqliteDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    /// <summary>Reads optional UTC ticks.</summary>
    public static DateTimeOffset? NullableInstant(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    /// <summary>Reads an optional text column.</summary>
    public static string? NullableString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Reads an optional integer column.</summary>
    public static int? NullableInt32(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>Reads a blob column.</summary>
    public static byte[] Bytes(this SqliteDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);

    /// <summary>Reads an optional URI stored as its original string.</summary>
    public static Uri? NullableUri(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new Uri(reader.GetString(ordinal), UriKind.RelativeOrAbsolute);

    /// <summary>
    /// Runs one purge statement (a <c>DELETE</c> taking <c>@before</c> and <c>@limit</c>) as its own write transaction and
    /// returns the number of rows it removed.
    /// </summary>
    public static ValueTask<int> PurgeAsync(SqliteDatabase database, string sql, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Command(connection, transaction, sql).With("@before", Ticks(before)).With("@limit", limit);
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Reads every row of <paramref name="command"/> into a list (pages are bounded by their LIMIT).</summary>
    public static async ValueTask<List<T>> ReadListAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Reads the first row of <paramref name="command"/>, or default.</summary>
    public static async ValueTask<T?> ReadSingleAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
        where T : class
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? map(reader) : null;
    }
}
