using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// A database's part in a <see cref="StoreTransaction"/>: one pooled connection in a transaction begun with a plain
/// <c>BEGIN</c>, kept until the store transaction commits or rolls back. The stores run their writes (each in a savepoint)
/// and, once it exists, their reads on it, one command at a time (<see cref="LeaseAsync"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The SemaphoreSlim's wait handle is never created, so it holds nothing to dispose; a lease may still wait on it after the end.")]
internal sealed class PostgreSqlTransactionParticipant : IStoreTransactionParticipant
{
    /// <summary>The savepoint each write runs in, so that a refused write is undone alone (<see cref="PostgreSqlConnectionLease"/>).</summary>
    public const string Savepoint = "pki_write";

    private readonly NpgsqlConnection _connection;

    // Npgsql runs one command at a time on a connection (no MARS): a lease holds it alone, also against concurrent calls
    // of one operation.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _ended;

    private PostgreSqlTransactionParticipant(NpgsqlConnection connection) => _connection = connection;

    /// <summary>
    /// Opens a pooled connection and begins the transaction. Not cancellable: the first enlistment's begin is shared by
    /// every store call of the operation (each waits for it with its own token).
    /// </summary>
    public static async ValueTask<PostgreSqlTransactionParticipant> BeginAsync(PostgreSqlDatabase db)
    {
        await db.EnsureMigratedAsync(CancellationToken.None).ConfigureAwait(false);
        var connection = await db.DataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await using var begin = new NpgsqlCommand("BEGIN", connection);
            await begin.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            return new PostgreSqlTransactionParticipant(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits for the connection and lends it until the lease is disposed. A write's lease first opens its savepoint (once
    /// sent, not cancelled: the lease must know whether it exists).
    /// </summary>
    /// <exception cref="InvalidOperationException">The store transaction has been committed or rolled back.</exception>
    public async ValueTask<PostgreSqlConnectionLease> LeaseAsync(bool write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfEnded();
            if (write)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var savepoint = new NpgsqlCommand("SAVEPOINT " + Savepoint, _connection);
                await savepoint.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return new PostgreSqlConnectionLease(_connection, this, write);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>Ends a lease: the connection is free for the next command.</summary>
    public void Return() => _gate.Release();

    /// <summary>
    /// Sends <c>COMMIT</c> (waiting first for a store call still running on the connection) and returns the connection
    /// to the pool. A transaction a failed statement aborted is not committed: PostgreSQL answers its <c>COMMIT</c> with
    /// <c>ROLLBACK</c> rather than an error, so a <c>SELECT</c> sent first turns that into one (and the transaction is rolled back).
    /// </summary>
    public async ValueTask CommitAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            ThrowIfEnded();
            _ended = true;
            await using var commit = new NpgsqlCommand("SELECT 1; COMMIT", _connection);
            try
            {
                await commit.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                await PostgreSqlQueries.RollbackQuietlyAsync(_connection).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            await EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends <c>ROLLBACK</c> quietly and returns the connection to the pool; nothing once committed or rolled back.</summary>
    public async ValueTask RollbackAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_ended)
            {
                _ended = true;
                await PostgreSqlQueries.RollbackQuietlyAsync(_connection).ConfigureAwait(false);
            }
        }
        finally
        {
            await EndAsync().ConfigureAwait(false);
        }
    }

    private void ThrowIfEnded()
    {
        if (_ended)
        {
            throw new InvalidOperationException("The store transaction has already been committed or rolled back.");
        }
    }

    private async ValueTask EndAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Release();
    }
}
