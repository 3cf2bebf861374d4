using Npgsql;

namespace Pki.Storage.PostgreSql.Tests.TestSupport;

/// <summary>
/// A fresh database in the shared <see cref="PostgreSqlCluster"/> for one test class, dropped afterwards. Tests that
/// need an empty store call <see cref="NewSchemaAsync"/> (a new schema per store, so tests never see each other's rows).
/// </summary>
public sealed class PostgreSqlDatabaseFixture : IAsyncLifetime
{
    private int _schemas;
    private PostgreSqlCluster? _cluster;
    private NpgsqlDataSource? _dataSource;

    /// <summary>The database name.</summary>
    public string Database { get; } = "pki_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A connection string to the database.</summary>
    public string ConnectionString => Cluster.ConnectionString(Database);

    /// <summary>The pooled data source the class's stores share.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Not initialized.");

    internal PostgreSqlCluster Cluster => _cluster ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _cluster = await PostgreSqlCluster.GetAsync();
        await using (var admin = NpgsqlDataSource.Create(_cluster.ConnectionString("postgres", maxPoolSize: 2)))
        await using (var create = admin.CreateCommand($"CREATE DATABASE {Database} TEMPLATE template0 ENCODING 'UTF8'"))
        {
            await create.ExecuteNonQueryAsync();
        }

        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>Creates a new, empty schema and returns a database over it (migrations run on first use).</summary>
    internal async Task<PostgreSqlDatabase> NewSchemaAsync()
    {
        string schema = "s" + Interlocked.Increment(ref _schemas);
        await using (var command = DataSource.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new PostgreSqlDatabase(DataSource, schema, ownsDataSource: false);
    }

    /// <summary>Creates a new, empty schema and returns a connection string whose search path selects it.</summary>
    public async Task<string> NewSchemaConnectionStringAsync()
    {
        var db = await NewSchemaAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = db.Schema }.ConnectionString;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_cluster is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = NpgsqlDataSource.Create(_cluster.ConnectionString("postgres", maxPoolSize: 2));
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
