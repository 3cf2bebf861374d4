using Microsoft.Data.Sqlite;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>
/// Prepared statements are kept per connection (<see cref="StatementCachingConnection"/>) and reader connections are
/// lent and given back by the database, still open, so that a statement is compiled once, not once per use.
/// </summary>
public sealed class StatementCacheTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly SqliteDatabase _database;

    public StatementCacheTests()
    {
        _database = _file.Open();
    }

    [Fact]
    public async Task A_statement_is_compiled_once_per_connection_and_comes_back_without_parameters()
    {
        using var connection = await _database.OpenAsync(CancellationToken.None);
        SqliteCommand first;
        using (first = Sql.Command(connection, null, "SELECT @value;").With("@value", 7L))
        {
            Assert.Equal(7L, await first.ExecuteScalarAsync());
        }

        using var second = Sql.Command(connection, null, "SELECT @value;");

        Assert.Same(first, second);
        Assert.Empty(second.Parameters);
        second.With("@value", 8L);
        Assert.Equal(8L, await second.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_same_statement_used_twice_at_once_gets_two_commands_and_disposing_twice_is_harmless()
    {
        using var connection = await _database.OpenAsync(CancellationToken.None);
        var outer = Sql.Command(connection, null, "SELECT 1;");
        var inner = Sql.Command(connection, null, "SELECT 1;");

        Assert.NotSame(outer, inner);
        inner.Dispose();
        outer.Dispose();
        outer.Dispose();

        using var again = Sql.Command(connection, null, "SELECT 1;");
        using var alongside = Sql.Command(connection, null, "SELECT 1;");
        Assert.NotSame(again, alongside);
        Assert.Equal(1L, await again.ExecuteScalarAsync());
        Assert.Equal(1L, await alongside.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_query_assembled_at_run_time_gets_a_command_of_its_own()
    {
        using var connection = await _database.OpenAsync(CancellationToken.None);
        SqliteCommand first;
        using (first = Sql.Command(connection, null, string.Empty))
        {
            first.SetText("SELECT 2;");
            Assert.Equal(2L, await first.ExecuteScalarAsync());
        }

        using var second = Sql.Command(connection, null, string.Empty);

        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task A_reader_connection_goes_back_to_the_database_open_and_is_lent_again()
    {
        var first = await _database.OpenAsync(CancellationToken.None);
        first.Dispose();

        using var second = await _database.OpenAsync(CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(System.Data.ConnectionState.Open, second.State);
        using var command = Sql.Command(second, null, "SELECT COUNT(*) FROM schema_migrations;");
        Assert.Equal((long)SqliteMigrator.All.Count, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_reader_connection_returned_with_a_command_still_in_use_is_closed_not_lent_again()
    {
        var first = await _database.OpenAsync(CancellationToken.None);
        var command = Sql.Command(first, null, "SELECT 1;");
        first.Dispose();

        using var second = await _database.OpenAsync(CancellationToken.None);

        Assert.NotSame(first, second);
        Assert.Equal(System.Data.ConnectionState.Closed, first.State);
        command.Dispose();
    }

    [Fact]
    public async Task Concurrent_readers_each_get_their_own_connection_and_the_idle_ones_are_bounded()
    {
        var lent = new List<SqliteConnection>();
        for (int i = 0; i < SqliteDatabase.MaxIdleReaders + 4; i++)
        {
            lent.Add(await _database.OpenAsync(CancellationToken.None));
        }

        Assert.Equal(lent.Count, lent.Distinct().Count());
        foreach (var connection in lent)
        {
            connection.Dispose();
        }

        Assert.Equal(SqliteDatabase.MaxIdleReaders, lent.Count(c => c.State == System.Data.ConnectionState.Open));
    }

    [Fact]
    public async Task An_idle_lent_connection_holds_no_read_snapshot_so_a_checkpoint_empties_the_log()
    {
        await ExecuteWriteAsync("CREATE TABLE scratch (id INTEGER PRIMARY KEY); INSERT INTO scratch (id) VALUES (1), (2), (3);");
        using (var connection = await _database.OpenAsync(CancellationToken.None))
        {
            // A reader stopped after its first row, then a scalar: both statements stay cached on the connection.
            using (var partial = Sql.Command(connection, null, "SELECT id FROM scratch ORDER BY id;"))
            using (var reader = await partial.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
            }

            using var count = Sql.Command(connection, null, "SELECT COUNT(*) FROM scratch;");
            Assert.Equal(3L, await count.ExecuteScalarAsync());
        }

        await ExecuteWriteAsync("INSERT INTO scratch (id) VALUES (4);");

        using var raw = _file.OpenRaw();
        using var checkpoint = raw.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var result = await checkpoint.ExecuteReaderAsync();
        Assert.True(await result.ReadAsync());
        Assert.Equal(0L, result.GetInt64(0)); // not blocked by a reader
        Assert.Equal(0L, result.GetInt64(1)); // the log is empty: every frame was copied back and no snapshot pins one
    }

    [Fact]
    public async Task Positional_values_keep_empty_text_and_empty_blobs_apart_from_null()
    {
        await ExecuteWriteAsync("CREATE TABLE scratch_values (t TEXT NULL, b BLOB NULL, i INTEGER NULL) STRICT;");
        const string insert = "INSERT INTO scratch_values (t, b, i) VALUES (?1, ?2, ?3);";
        var rows = new (SqlValue Text, SqlValue Blob, SqlValue Integer)[]
        {
            (SqlValue.Text(string.Empty), SqlValue.Blob([]), SqlValue.Integer(0)),
            (SqlValue.Text(null), SqlValue.Null, SqlValue.Integer(null)),
            (SqlValue.Text("Zoë 🔑"), SqlValue.Blob([0x00, 0xff]), SqlValue.Integer(long.MinValue)),
        };
        await _database.WriteAsync(
            (connection, _, _) =>
            {
                foreach (var (text, blob, integer) in rows)
                {
                    Assert.Equal(1, Sql.Execute(connection, insert, [text, blob, integer]));
                }

                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        using var raw = _file.OpenRaw();
        using var select = raw.CreateCommand();
        select.CommandText = "SELECT quote(t), quote(b), quote(i) FROM scratch_values ORDER BY rowid;";
        using var reader = await select.ExecuteReaderAsync();
        var quoted = new List<string>();
        while (await reader.ReadAsync())
        {
            quoted.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}");
        }

        Assert.Equal(["'' X'' 0", "NULL NULL NULL", "'Zoë 🔑' X'00FF' -9223372036854775808"], quoted);
    }

    [Fact]
    public async Task A_positional_statement_refuses_the_wrong_number_of_values_and_reports_constraint_failures()
    {
        await ExecuteWriteAsync("CREATE TABLE scratch_unique (id INTEGER PRIMARY KEY);");
        const string insert = "INSERT INTO scratch_unique (id) VALUES (?1);";
        await _database.WriteAsync(
            (connection, _, _) =>
            {
                Assert.Throws<ArgumentException>(() => Sql.Execute(connection, insert, []));
                Assert.Equal(1, Sql.Execute(connection, insert, [SqlValue.Integer(1)]));
                var duplicate = Assert.Throws<SqliteException>(() => Sql.Execute(connection, insert, [SqlValue.Integer(1)]));
                Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT; the statement is reset and usable again
                Assert.Equal(1, Sql.Execute(connection, insert, [SqlValue.Integer(2)]));
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
    }

    public void Dispose()
    {
        _database.Dispose();
        _file.Dispose();
    }

    private Task ExecuteWriteAsync(string sql) => _database.WriteAsync(
        async (connection, transaction, token) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(token);
        },
        CancellationToken.None).AsTask();
}
