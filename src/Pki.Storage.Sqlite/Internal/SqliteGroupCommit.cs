using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>
/// The one writer of a database in this process: runs queued writes in batches, each batch one <c>BEGIN IMMEDIATE</c>
/// transaction with one commit (and so one flush to disk) for all of its writes — group commit. A write that fails or
/// is cancelled is rolled back alone and the others of its batch still commit; a write's caller hears back only after
/// the commit that made it durable, or with the error that undid it.
/// </summary>
/// <remarks>
/// <para>A single caller pays what it paid before: a lone write is a batch of one. Under load, the writes that arrive
/// while a batch commits form the next batch, so throughput grows with the number of writers instead of being capped at
/// one commit per write.</para>
/// <para>A batch first runs without savepoints (a savepoint makes SQLite copy every page a write changes). Should a write
/// fail, that pass is rolled back and the whole batch runs again with each write in its own savepoint. So a write's work
/// may run more than once; only its last run commits, and it must have no effect outside the transaction.</para>
/// </remarks>
internal sealed class SqliteGroupCommit(Func<CancellationToken, ValueTask<SqliteConnection>> open) : IDisposable
{
    /// <summary>The most writes one transaction carries, so that a burst does not build one unbounded transaction.</summary>
    internal const int MaxBatch = 256;

    // Prepared once on the writer's connection (SqliteTransaction.Save would compile its statement on every write).
    private const string Savepoint = "SAVEPOINT pki_write;";
    private const string RollbackToSavepoint = "ROLLBACK TO pki_write;";
    private const string ReleaseSavepoint = "RELEASE pki_write;";

    private readonly Lock _gate = new();
    private readonly Queue<object> _queue = new(); // IQueuedWrite, or SqliteHeldTransaction
    private bool _draining;
    private long _commits;
    private bool _disposed;

    // The writer's own connection, kept open between batches so that its page cache stays warm (no other connection of
    // this process writes) and its statements need no re-setup; replaced after a batch fails.
    private SqliteConnection? _connection;

    /// <summary>How many transactions this writer has committed (for tests and diagnostics).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Queues <paramref name="work"/> and completes when the batch that ran it has been committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        var write = new QueuedWrite<T>(work, cancellationToken);
        Enqueue(write);
        return write.Task;
    }

    private void Enqueue(object work)
    {
        bool start;
        lock (_gate)
        {
            _queue.Enqueue(work);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            // Without the enqueuing operation's ambient state (its StoreTransaction, its pending audit event): the drain
            // serves every write that queues while it runs.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Queues a held transaction (see <see cref="SqliteHeldTransaction"/>): once the writes queued before it have
    /// committed, the writer begins a transaction for it alone and keeps it until the operation commits or rolls it back.
    /// Completes when the transaction has begun.
    /// </summary>
    public async Task<SqliteHeldTransaction> HoldAsync()
    {
        var held = new SqliteHeldTransaction();
        Enqueue(held);
        await held.Started.ConfigureAwait(false);
        return held;
    }

    /// <summary>Closes the writer's connection once no batch is running; a later write opens a new one.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (!_draining)
            {
                _connection?.Dispose();
                _connection = null;
            }
        }
    }

    private async Task DrainAsync()
    {
        var batch = new List<IQueuedWrite>();
        while (true)
        {
            SqliteHeldTransaction? held;
            lock (_gate)
            {
                held = TakeQueued(batch);
                if (batch.Count == 0 && held is null)
                {
                    _draining = false;
                    if (_disposed)
                    {
                        _connection?.Dispose();
                        _connection = null;
                    }

                    return;
                }
            }

            if (held is not null)
            {
                await HoldAsync(held).ConfigureAwait(false);
            }
            else
            {
                await CommitAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    /// <summary>
    /// Moves queued writes into <paramref name="batch"/>, up to <see cref="MaxBatch"/>, stopping at a held transaction;
    /// when the batch is empty and a held transaction is next, takes and returns it instead. The caller holds the gate.
    /// </summary>
    private SqliteHeldTransaction? TakeQueued(List<IQueuedWrite> batch)
    {
        while (batch.Count < MaxBatch && _queue.TryPeek(out var next))
        {
            if (next is SqliteHeldTransaction held)
            {
                if (batch.Count > 0)
                {
                    return null; // it waits for this batch's commit
                }

                _queue.Dequeue();
                return held;
            }

            _queue.Dequeue();
            batch.Add((IQueuedWrite)next);
        }

        return null;
    }

    /// <summary>Begins a transaction for <paramref name="held"/> alone and ends it as the operation decides; never throws.</summary>
    private async Task HoldAsync(SqliteHeldTransaction held)
    {
        try
        {
            _connection ??= await open(CancellationToken.None).ConfigureAwait(false);
            var connection = (StatementCachingConnection)_connection;
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                Forget(connection);
                if (await held.HoldAsync(connection, transaction).ConfigureAwait(false))
                {
                    transaction.Commit();
                    Interlocked.Increment(ref _commits);
                }
            }

            Forget(connection);
            held.Finish(null);
        }
        catch (Exception ex)
        {
            // Nothing of it was committed; the next batch starts on a fresh connection.
            _connection?.Dispose();
            _connection = null;
            held.Finish(ex);
        }
    }

    /// <summary>Runs and commits one batch; never throws: every write of the batch learns its outcome.</summary>
    private async Task CommitAsync(List<IQueuedWrite> batch)
    {
        try
        {
            _connection ??= await open(CancellationToken.None).ConfigureAwait(false);
            // When a write fails in the first pass, its first statements may already be in the transaction: that pass is
            // rolled back as a whole and the batch runs again with each write in a savepoint of its own, so that a
            // failure is undone alone. (That second pass cannot report a failure outside a savepoint; were it to, the
            // batch fails rather than report rolled-back writes as done.)
            if (!await TryCommitAsync(_connection, batch, isolated: false).ConfigureAwait(false)
                && !await TryCommitAsync(_connection, batch, isolated: true).ConfigureAwait(false))
            {
                throw new InvalidOperationException("A write of the batch failed outside its savepoint; nothing of the batch was committed.");
            }

            Interlocked.Increment(ref _commits);
        }
        catch (Exception ex)
        {
            // Nothing of the batch was committed (disposing the transaction rolled it back): writes that had succeeded
            // inside it, and writes it did not reach, fail with the reason. The next batch starts on a fresh connection.
            _connection?.Dispose();
            _connection = null;
            foreach (var write in batch)
            {
                write.Abort(ex);
            }
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    /// <summary>
    /// Runs <paramref name="batch"/> in one <c>BEGIN IMMEDIATE</c> transaction and commits it. Not
    /// <paramref name="isolated"/> (the common case: savepoints cost every write a copy of each page it changes), the first
    /// write that fails rolls the whole transaction back and this returns false; <paramref name="isolated"/>, each write
    /// runs in its own savepoint and a failure is undone alone.
    /// </summary>
    private async Task<bool> TryCommitAsync(SqliteConnection connection, List<IQueuedWrite> batch, bool isolated)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Forget(connection); // other processes may have appended to the audit log since this connection's last transaction
        for (int i = 0; i < batch.Count; i++)
        {
            if (!await batch[i].RunAsync(connection, transaction, isolated).ConfigureAwait(false))
            {
                return false; // disposing the transaction rolls it back
            }

            if (i == batch.Count - 1)
            {
                // Writes that queued while this batch ran join it: the commit is the expensive part (every page the
                // batch changed goes to the log, then one flush), and pages shared by the writes are written once.
                lock (_gate)
                {
                    _ = TakeQueued(batch); // never a held transaction: the batch is not empty
                }
            }
        }

        transaction.Commit();
        return true;
    }

    /// <summary>Drops what the writer's connection remembers about its transaction (see <see cref="StatementCachingConnection.LastAppendedAuditEvent"/>).</summary>
    private static void Forget(SqliteConnection connection)
    {
        if (connection is StatementCachingConnection caching)
        {
            caching.LastAppendedAuditEvent = null;
        }
    }

    private interface IQueuedWrite
    {
        /// <summary>
        /// Runs the write (again, after an earlier pass was rolled back: its last run is the one that counts). Returns false
        /// only when it failed outside a savepoint, leaving part of its work in the transaction.
        /// </summary>
        ValueTask<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction, bool isolated);

        void Abort(Exception batchFailure);

        void Complete();
    }

    private sealed class QueuedWrite<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken) : IQueuedWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private ExceptionDispatchInfo? _failure;

        public Task<T> Task => _completion.Task;

        public async ValueTask<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction, bool isolated)
        {
            _result = default;
            _failure = null;
            if (cancellationToken.IsCancellationRequested)
            {
                _failure = ExceptionDispatchInfo.Capture(new OperationCanceledException(cancellationToken));
                return true; // nothing ran
            }

            if (isolated)
            {
                Sql.Execute(connection, Savepoint, []);
            }

            try
            {
                _result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
                if (!isolated)
                {
                    return false;
                }

                // Undo this write alone. Should SQLite have rolled back the whole transaction (an I/O error, a full
                // disk), this throws and the batch fails as a whole.
                Sql.Execute(connection, RollbackToSavepoint, []);
                Forget(connection);
            }

            if (isolated)
            {
                Sql.Execute(connection, ReleaseSavepoint, []);
            }

            return true;
        }

        /// <summary>The batch failed: unless this write already failed on its own, it fails with the batch.</summary>
        public void Abort(Exception batchFailure)
        {
            _failure ??= ExceptionDispatchInfo.Capture(batchFailure);
        }

        public void Complete()
        {
            if (_failure is null)
            {
                _completion.TrySetResult(_result!);
            }
            else if (_failure.SourceException is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(cancellationToken);
            }
            else
            {
                _completion.TrySetException(_failure.SourceException);
            }
        }
    }
}
