using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// The connection one store call runs on (<see cref="PostgreSqlDatabase.OpenAsync"/>,
/// <see cref="PostgreSqlDatabase.OpenForWriteAsync"/>): a pooled connection of its own, returned to the pool when the lease
/// is disposed; or, inside a <see cref="StoreTransaction"/> its database enlisted in, the transaction's connection, held
/// alone until the lease is disposed and left open for the transaction.
/// </summary>
/// <remarks>
/// <para>A write's statements run as they do on a pooled connection, with the lease's help where they would begin or commit
/// a transaction of their own: <see cref="Begin"/>, <see cref="Commit"/>, <see cref="BeginTransactionAsync"/>,
/// <see cref="CommitAsync(NpgsqlCommand, CancellationToken)"/> and <see cref="RollbackQuietlyAsync"/>. Every write
/// ends with a commit through its lease (<see cref="CompleteAsync"/> when its statements committed themselves).</para>
/// <para>Inside a store transaction the write runs in a savepoint, opened before its statements: the commit releases it
/// (the store transaction commits the write), and a lease disposed without one rolls back to it, so a refused write is
/// undone alone and the transaction goes on.</para>
/// </remarks>
internal sealed class PostgreSqlConnectionLease : IAsyncDisposable
{
    private readonly PostgreSqlTransactionParticipant? _transaction;
    private bool _inSavepoint;
    private bool _ended;

    /// <summary>Lends a pooled connection, disposed with the lease.</summary>
    public PostgreSqlConnectionLease(NpgsqlConnection connection) => Connection = connection;

    /// <summary>Lends the connection of <paramref name="transaction"/>, for a write whose savepoint is open when <paramref name="write"/>.</summary>
    public PostgreSqlConnectionLease(NpgsqlConnection connection, PostgreSqlTransactionParticipant transaction, bool write)
    {
        Connection = connection;
        _transaction = transaction;
        _inSavepoint = write;
    }

    /// <summary>The open connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>True when the connection is a store transaction's: the call's statements run in that transaction.</summary>
    public bool InStoreTransaction => _transaction is not null;

    /// <summary>
    /// <paramref name="statements"/> as the first statements of a write's own transaction: after <c>BEGIN</c>, or as they
    /// are inside a store transaction (in the write's savepoint).
    /// </summary>
    public string Begin(string statements) =>
        InStoreTransaction ? statements : statements.Length == 0 ? "BEGIN" : "BEGIN; " + statements;

    /// <summary>
    /// <paramref name="statements"/> as the last statements of a write's own transaction: followed by <c>COMMIT</c>, or inside
    /// a store transaction by the savepoint's release. Run the command with <see cref="CommitAsync(NpgsqlCommand, CancellationToken)"/>.
    /// </summary>
    public string Commit(string statements) =>
        statements + (InStoreTransaction ? "; RELEASE SAVEPOINT " + PostgreSqlTransactionParticipant.Savepoint : "; COMMIT");

    /// <summary>Begins a write's own <see cref="NpgsqlTransaction"/>; none inside a store transaction (the savepoint stands for it).</summary>
    public async ValueTask<NpgsqlTransaction?> BeginTransactionAsync(CancellationToken cancellationToken) =>
        InStoreTransaction ? null : await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="command"/>, whose text ends as <see cref="Commit"/> made it; as <see cref="PostgreSqlQueries.CommitAsync(NpgsqlCommand, CancellationToken)"/>,
    /// a cancellation counts only until it is sent.
    /// </summary>
    public async ValueTask CommitAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await PostgreSqlQueries.CommitAsync(command, cancellationToken).ConfigureAwait(false);
        _inSavepoint = false;
    }

    /// <summary>Commits <paramref name="transaction"/> (from <see cref="BeginTransactionAsync"/>), or the write's savepoint when null.</summary>
    public async ValueTask CommitAsync(NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            await CompleteAsync().ConfigureAwait(false);
        }
        else
        {
            await PostgreSqlQueries.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Keeps a write whose statements committed as they ran: nothing to do on a pooled connection; inside a store
    /// transaction, releases the write's savepoint (the store transaction commits it). Not cancellable: its statements ran.
    /// </summary>
    public async ValueTask CompleteAsync()
    {
        if (_inSavepoint)
        {
            await using var release = new NpgsqlCommand("RELEASE SAVEPOINT " + PostgreSqlTransactionParticipant.Savepoint, Connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            _inSavepoint = false;
        }
    }

    /// <summary>
    /// Undoes a failed write, never throwing: on a pooled connection, ends the transaction <see cref="Begin"/> or
    /// <see cref="Commit"/> text began (<c>ROLLBACK</c>); inside a store transaction, rolls back to the write's savepoint.
    /// </summary>
    public async ValueTask RollbackQuietlyAsync()
    {
        if (_transaction is null)
        {
            await PostgreSqlQueries.RollbackQuietlyAsync(Connection).ConfigureAwait(false);
        }
        else if (_inSavepoint)
        {
            _inSavepoint = false;
            await PostgreSqlQueries.RollbackQuietlyAsync(Connection, PostgreSqlTransactionParticipant.Savepoint).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns a pooled connection to the pool; the store transaction's stays open for it, after rolling back to the
    /// savepoint of a write that did not commit. Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        if (_transaction is null)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await RollbackQuietlyAsync().ConfigureAwait(false);
        }
        finally
        {
            _transaction.Return();
        }
    }
}
