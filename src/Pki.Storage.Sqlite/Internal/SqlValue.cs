using System.Text;
using SQLitePCL;

namespace Pki.Storage.Sqlite;

/// <summary>
/// A value for a <see cref="PreparedStatement"/> parameter, bound by position and encoded ahead of time (text as UTF-8),
/// so that the writer, which runs one write after another, only hands finished bytes to SQLite.
/// </summary>
internal readonly struct SqlValue
{
    private enum Kind : byte
    {
        Null,
        Integer,
        Text,
        Blob,
    }

    private readonly byte[]? _bytes;
    private readonly long _integer;
    private readonly Kind _kind;

    private SqlValue(Kind kind, byte[]? bytes, long integer)
    {
        _kind = kind;
        _bytes = bytes;
        _integer = integer;
    }

    /// <summary>SQL NULL.</summary>
    public static SqlValue Null => default;

    /// <summary>Text (UTF-8, as Microsoft.Data.Sqlite writes it: an unpaired surrogate becomes U+FFFD), or NULL.</summary>
    public static SqlValue Text(string? value) => value is null ? Null : new(Kind.Text, Encoding.UTF8.GetBytes(value), 0);

    /// <summary>An integer, or NULL.</summary>
    public static SqlValue Integer(long? value) => value is { } number ? new(Kind.Integer, null, number) : Null;

    /// <summary>A blob (copied), or NULL.</summary>
    public static SqlValue Blob(ReadOnlySpan<byte> value) => new(Kind.Blob, value.ToArray(), 0);

    /// <summary>Binds this value to parameter <paramref name="index"/> (1-based) and returns SQLite's result code.</summary>
    public int Bind(sqlite3_stmt statement, int index) => _kind switch
    {
        Kind.Integer => raw.sqlite3_bind_int64(statement, index, _integer),

        // An empty span would pass a null pointer, which SQLite binds as NULL: bind empty values explicitly.
        Kind.Text when _bytes!.Length == 0 => raw.sqlite3_bind_text(statement, index, string.Empty),
        Kind.Text => raw.sqlite3_bind_text(statement, index, _bytes),
        Kind.Blob when _bytes!.Length == 0 => raw.sqlite3_bind_zeroblob(statement, index, 0),
        Kind.Blob => raw.sqlite3_bind_blob(statement, index, _bytes),
        _ => raw.sqlite3_bind_null(statement, index),
    };
}
