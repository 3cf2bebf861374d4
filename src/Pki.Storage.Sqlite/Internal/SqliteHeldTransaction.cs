using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// A SQLite database's part in an operation's <see cref="StoreTransaction"/>: the group-commit writer's transaction, held
/// for that operation alone from its first write until it commits or rolls back. Its writes run in that transaction,
/// each in a savepoint (a refused write is undone alone), and its reads run on the same connection, so the operation
/// sees what it wrote while no one else does.
/// </summary>
/// <remarks>While it is held, the other writes of this process queue (they form the next batch), and other processes
/// wait on SQLite's write lock as for any transaction. Operations that hold it are rare and short (CA changes,
/// revocations, CRLs); issuance does not.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "The gate is a SemaphoreSlim whose wait handle is never created.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The gate is a SemaphoreSlim whose wait handle is never created.")]
internal sealed class SqliteHeldTransaction : IStoreTransactionParticipant
{
    private const string Savepoint = "SAVEPOINT pki_operation;";
    private const string RollbackToSavepoint = "ROLLBACK TO pki_operation;";
    private const string ReleaseSavepoint = "RELEASE pki_operation;";

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private StatementCachingConnection? _connection;
    private SqliteTransaction? _transaction;
    private bool _ended;

    /// <summary>Completes when the writer has begun the transaction for this operation.</summary>
    public Task Started => _started.Task;

    /// <summary>The transaction's connection, lent to the operation's reads (disposing it does not close it).</summary>
    public SqliteConnection Connection => _connection ?? throw new InvalidOperationException("The transaction has not begun.");

    /// <summary>Runs one write of the operation in the held transaction, in a savepoint of its own.</summary>
    public async ValueTask<T> RunAsync<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ended || _connection is null || _transaction is null)
            {
                throw new InvalidOperationException("The store transaction has already been committed or rolled back.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            Sql.Execute(_connection, Savepoint, []);
            try
            {
                var result = await work(_connection, _transaction, cancellationToken).ConfigureAwait(false);
                Sql.Execute(_connection, ReleaseSavepoint, []);
                return result;
            }
            catch
            {
                Undo(_connection);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync()
    {
        _decision.TrySetResult(true);
        await _finished.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RollbackAsync()
    {
        _decision.TrySetResult(false);
        try
        {
            await _finished.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
        {
            // Whatever failed, nothing of the transaction was committed.
        }
    }

    /// <summary>
    /// The writer's side: lends <paramref name="connection"/> and <paramref name="transaction"/> to the operation and
    /// returns whether to commit, once the operation decided (no write of it is running any more by then).
    /// </summary>
    internal async Task<bool> HoldAsync(StatementCachingConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
        connection.LentTransaction = transaction;
        _started.TrySetResult();
        bool commit = await _decision.Task.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _ended = true;
            connection.LentTransaction = null;
        }
        finally
        {
            _gate.Release();
        }

        return commit;
    }

    /// <summary>The writer's side: the transaction committed or was rolled back (<paramref name="failure"/> null), or failed.</summary>
    internal void Finish(Exception? failure)
    {
        _ended = true;
        if (failure is null)
        {
            _started.TrySetException(new InvalidOperationException("The store transaction ended before it began."));
            _finished.TrySetResult();
        }
        else
        {
            _started.TrySetException(failure);
            _finished.TrySetException(failure);
        }
    }

    /// <summary>Undoes a failed write alone. Should SQLite have rolled back the whole transaction (an I/O error, a full
    /// disk), this cannot be done: the write's own error goes on to the operation, and the commit fails.</summary>
    private static void Undo(StatementCachingConnection connection)
    {
        connection.LastAppendedAuditEvent = null;
        try
        {
            Sql.Execute(connection, RollbackToSavepoint, []);
            Sql.Execute(connection, ReleaseSavepoint, []);
        }
        catch (SqliteException)
        {
            // See above.
        }
    }
}
