using Npgsql;
using Pki.Storage.PostgreSql.Migrations;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// One PostgreSQL database shared by every store of a provider: the pooled <see cref="NpgsqlDataSource"/>, the schema
/// the tables live in, and the migrations, which run once before the first store operation.
/// </summary>
internal sealed class PostgreSqlDatabase : IAsyncDisposable, IDisposable
{
    private readonly bool _ownsDataSource;
    private readonly Lock _gate = new();
    private Task? _migration;

    /// <summary>Creates the database over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The pooled data source.</param>
    /// <param name="schema">The schema the tables live in, or null for the first schema of the connection's search path.</param>
    /// <param name="ownsDataSource">Whether disposing this object disposes <paramref name="dataSource"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    public PostgreSqlDatabase(NpgsqlDataSource dataSource, string? schema, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (schema is not null && !IsPlainIdentifier(schema))
        {
            throw new ArgumentException($"The schema name '{schema}' must be a lower-case identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters).", nameof(schema));
        }

        DataSource = dataSource;
        Schema = schema;
        _ownsDataSource = ownsDataSource;
    }

    /// <summary>The pooled data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema, or null for the search path's.</summary>
    public string? Schema { get; }

    /// <summary>The qualified name of table <paramref name="name"/> to put into SQL text (never user data).</summary>
    public string Table(string name) => Schema is null ? name : "\"" + Schema + "\"." + name;

    /// <summary>Runs the migrations if this process has not yet, then opens a pooled connection.</summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the pending migrations once per process (the database serializes concurrent hosts). A failed or
    /// cancelled attempt is retried by the next caller; cancelling one caller's wait does not cancel the migration.
    /// </summary>
    public Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        Task migration;
        lock (_gate)
        {
            if (_migration is null || _migration.IsFaulted || _migration.IsCanceled)
            {
                _migration = Task.Run(() => PostgreSqlMigrator.MigrateAsync(this, CancellationToken.None), CancellationToken.None);
            }

            migration = _migration;
        }

        return migration.IsCompletedSuccessfully ? Task.CompletedTask : migration.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            DataSource.Dispose();
        }
    }

    private static bool IsPlainIdentifier(string name) =>
        name.Length is > 0 and <= 63
        && !char.IsAsciiDigit(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
