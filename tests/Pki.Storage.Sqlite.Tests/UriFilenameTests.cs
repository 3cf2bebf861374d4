using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>URI filenames that SQLite opens private to one connection (in memory, temporary) or read-only, however they are
/// spelled: each case first proves with a raw connection what SQLite makes of it.</summary>
public sealed class UriFilenameTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void UseSqlite_takes_a_uri_filename_that_names_a_file()
    {
        var builder = new ServiceCollection().AddPki();
        builder.UseSqlite($"Data Source=file:{_file.FilePath}?cache=private");
        builder.UseSqlite($"Data Source=file://localhost{_file.FilePath}");
    }

    [Theory]
    [InlineData("file:%3Amemory%3A")]          // SQLite percent-decodes the path: ":memory:"
    [InlineData("file::memory:%00whatever")]   // %00 ends the path for SQLite
    [InlineData("file:pki?mode=memory%00")]    // %00 ends the value for SQLite: mode=memory
    [InlineData("file:")]                      // empty path: a private temporary database per connection
    [InlineData("file:?cache=shared")]
    [InlineData("file://localhost")]
    public void UseSqlite_refuses_uri_filenames_that_sqlite_opens_as_private_databases(string dataSource)
    {
        // First prove SQLite really gives each connection its own database for this data source.
        using (var a = new SqliteConnection($"Data Source={dataSource}"))
        using (var b = new SqliteConnection($"Data Source={dataSource}"))
        {
            a.Open();
            b.Open();
            using (var create = a.CreateCommand())
            {
                create.CommandText = "CREATE TABLE t (x INTEGER);";
                create.ExecuteNonQuery();
            }

            using var probe = b.CreateCommand();
            probe.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 't';";
            Assert.Equal(0L, (long)probe.ExecuteScalar()!); // b does not see a's table
        }

        var builder = new ServiceCollection().AddPki();
        Assert.ThrowsAny<ArgumentException>(() => builder.UseSqlite($"Data Source={dataSource}"));
    }

    [Fact]
    public void UseSqlite_refuses_mode_ro_hidden_behind_a_percent_00()
    {
        using (var raw = _file.OpenRaw())
        using (var create = raw.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (x INTEGER);";
            create.ExecuteNonQuery();
        }

        string dataSource = "file:" + _file.FilePath + "?mode=ro%00";
        using (var connection = new SqliteConnection($"Data Source={dataSource}"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES (1);";
            var error = Assert.Throws<SqliteException>(() => insert.ExecuteNonQuery());
            Assert.Equal(8, error.SqliteErrorCode); // SQLITE_READONLY: SQLite opened it read-only
        }

        var builder = new ServiceCollection().AddPki();
        Assert.ThrowsAny<ArgumentException>(() => builder.UseSqlite($"Data Source={dataSource}"));
    }
}
