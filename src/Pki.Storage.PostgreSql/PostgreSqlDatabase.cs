using Npgsql;
using Pki.Core;
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
        AuditedWrites = new PostgreSqlGroupCommit(this);
    }

    /// <summary>The pooled data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema, or null for the search path's.</summary>
    public string? Schema { get; }

    /// <summary>The group commit of this host's audited writes outside a <see cref="StoreTransaction"/> (issuances, redemptions).</summary>
    public PostgreSqlGroupCommit AuditedWrites { get; }

    /// <summary>The qualified name of table <paramref name="name"/> to put into SQL text (never user data).</summary>
    public string Table(string name) => Schema is null ? name : "\"" + Schema + "\"." + name;

    /// <summary>
    /// The connection for a read: inside a <see cref="StoreTransaction"/> this database has enlisted in, the transaction's,
    /// so that the operation reads what it wrote; otherwise (before the operation's first write too: enlisting on a read
    /// would hold a transaction open across what the operation does next) a pooled connection, after running the
    /// migrations if this process has not yet.
    /// </summary>
    public async ValueTask<PostgreSqlConnectionLease> OpenAsync(CancellationToken cancellationToken)
    {
        if (StoreTransaction.Current?.FindParticipant<PostgreSqlTransactionParticipant>(this) is { } participant)
        {
            return await participant.LeaseAsync(write: false, cancellationToken).ConfigureAwait(false);
        }

        return await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection for a write: inside a <see cref="StoreTransaction"/>, the transaction's (this database enlists in it,
    /// the first time beginning the transaction), with the write's savepoint open; otherwise a pooled connection, as
    /// <see cref="OpenAsync"/>.
    /// </summary>
    public async ValueTask<PostgreSqlConnectionLease> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        if (StoreTransaction.Current is { } transaction)
        {
            var participant = await transaction.EnlistAsync(this, () => PostgreSqlTransactionParticipant.BeginAsync(this))
                .AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return await participant.LeaseAsync(write: true, cancellationToken).ConfigureAwait(false);
        }

        return await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<PostgreSqlConnectionLease> OpenPooledAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return new PostgreSqlConnectionLease(await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));
    }

    private static bool IsPlainIdentifier(string name) =>
        name.Length is > 0 and <= 63
        && !char.IsAsciiDigit(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
