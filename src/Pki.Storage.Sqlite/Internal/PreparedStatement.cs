using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Pki.Storage.Sqlite;

/// <summary>
/// A data-changing statement compiled once on a connection and run with positional <see cref="SqlValue"/>s: no parameter
/// names looked up, no per-run allocations, no text transcoding at the time of the write. Used on the group-commit
/// writer's hot path (certificate inserts, audit appends, savepoints); everything else goes through ADO.NET commands.
/// </summary>
/// <remarks>Run through <see cref="Sql.Execute"/>; a <see cref="StatementCachingConnection"/> keeps one per SQL text and finalizes it before it closes.</remarks>
internal sealed class PreparedStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly int _parameterCount;

    private PreparedStatement(SqliteConnection connection, sqlite3_stmt statement)
    {
        _connection = connection;
        _statement = statement;
        _parameterCount = raw.sqlite3_bind_parameter_count(statement);
    }

    /// <summary>Compiles <paramref name="sql"/> (one statement) on <paramref name="connection"/>.</summary>
    /// <exception cref="SqliteException">The SQL does not compile.</exception>
    public static PreparedStatement Compile(SqliteConnection connection, string sql)
    {
        int rc = raw.sqlite3_prepare_v3(connection.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out string tail);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            statement.Dispose();
            throw new ArgumentException("A prepared statement holds exactly one SQL statement.", nameof(sql));
        }

        return new PreparedStatement(connection, statement);
    }

    /// <summary>Placeholders <c>?1, ?2, …, ?<paramref name="count"/></c> for a positional statement.</summary>
    public static string Placeholders(int count)
    {
        var text = new StringBuilder();
        for (int i = 1; i <= count; i++)
        {
            text.Append(i == 1 ? "?" : ", ?").Append(i.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Runs the statement with <paramref name="values"/> (one per parameter, in order) and returns the rows it changed.</summary>
    /// <exception cref="SqliteException">SQLite refused the statement (a constraint, I/O); the statement is reset either way.</exception>
    public int Execute(ReadOnlySpan<SqlValue> values)
    {
        if (values.Length != _parameterCount)
        {
            throw new ArgumentException($"The statement takes {_parameterCount} values, not {values.Length}.", nameof(values));
        }

        var database = _connection.Handle;
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                SqliteException.ThrowExceptionForRC(values[i].Bind(_statement, i + 1), database);
            }

            int rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                throw new InvalidOperationException("A prepared statement changes data; it returned a row.");
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, database);
            }

            return raw.sqlite3_changes(database);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }
    }

    /// <summary>Finalizes the statement (its connection does this before it closes).</summary>
    public void Dispose() => _statement.Dispose();
}
