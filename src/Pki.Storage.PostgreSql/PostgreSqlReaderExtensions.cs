using Npgsql;

namespace Pki.Storage.PostgreSql;

/// <summary>Reads columns by name, mapping SQL NULL to null.</summary>
internal static class PostgreSqlReaderExtensions
{
    public static string Text(this NpgsqlDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    public static string? NullableText(this NpgsqlDataReader reader, string column)
    {
        int ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    public static string[] TextArray(this NpgsqlDataReader reader, string column) => reader.GetFieldValue<string[]>(reader.GetOrdinal(column));

    public static long Bigint(this NpgsqlDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column));

    public static long? NullableBigint(this NpgsqlDataReader reader, string column)
    {
        int ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
    }

    public static int Integer(this NpgsqlDataReader reader, string column) => reader.GetInt32(reader.GetOrdinal(column));

    public static int? NullableInteger(this NpgsqlDataReader reader, string column)
    {
        int ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
    }

    public static short Smallint(this NpgsqlDataReader reader, string column) => reader.GetInt16(reader.GetOrdinal(column));

    public static short? NullableSmallint(this NpgsqlDataReader reader, string column)
    {
        int ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt16(ordinal);
    }

    public static bool Boolean(this NpgsqlDataReader reader, string column) => reader.GetBoolean(reader.GetOrdinal(column));

    public static byte[] Bytes(this NpgsqlDataReader reader, string column) => reader.GetFieldValue<byte[]>(reader.GetOrdinal(column));

    public static DateTimeOffset Instant(this NpgsqlDataReader reader, string column) => PostgreSqlTime.FromTicks(reader.Bigint(column));

    public static DateTimeOffset? NullableInstant(this NpgsqlDataReader reader, string column) =>
        reader.NullableBigint(column) is { } ticks ? PostgreSqlTime.FromTicks(ticks) : null;

    public static Uri? NullableUri(this NpgsqlDataReader reader, string column) =>
        reader.NullableText(column) is { } text ? new Uri(text, UriKind.RelativeOrAbsolute) : null;
}
