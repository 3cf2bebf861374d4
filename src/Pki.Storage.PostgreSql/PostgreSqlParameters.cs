using Npgsql;
using NpgsqlTypes;

namespace Pki.Storage.PostgreSql;

/// <summary>Typed parameters for commands: every value reaches PostgreSQL as a parameter, never as SQL text.</summary>
internal static class PostgreSqlParameters
{
    public static void Add(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    public static void AddText(this NpgsqlCommand command, string name, string? value) => command.Add(name, NpgsqlDbType.Text, value);

    public static void AddTextArray(this NpgsqlCommand command, string name, IEnumerable<string> values) =>
        command.Add(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values.ToArray());

    public static void AddBigint(this NpgsqlCommand command, string name, long? value) => command.Add(name, NpgsqlDbType.Bigint, value);

    public static void AddInteger(this NpgsqlCommand command, string name, int? value) => command.Add(name, NpgsqlDbType.Integer, value);

    public static void AddSmallint(this NpgsqlCommand command, string name, int? value) =>
        command.Add(name, NpgsqlDbType.Smallint, value is { } v ? checked((short)v) : null);

    public static void AddBytes(this NpgsqlCommand command, string name, ReadOnlySpan<byte> value) => command.Add(name, NpgsqlDbType.Bytea, value.ToArray());

    public static void AddBoolean(this NpgsqlCommand command, string name, bool value) => command.Add(name, NpgsqlDbType.Boolean, value);

    /// <summary>
    /// Appends <c> AND {column} = @{name}</c> and binds the text when <paramref name="value"/> is set: the one shape of
    /// every optional equality filter. <paramref name="column"/> and <paramref name="name"/> are constants.
    /// </summary>
    public static void AndTextIfSet(this NpgsqlCommand command, System.Text.StringBuilder sql, string column, string name, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = @").Append(name);
            command.AddText(name, value);
        }
    }
}
