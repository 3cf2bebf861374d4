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

    public void Dispose()
    {
        _database.Dispose();
        _file.Dispose();
    }
}
