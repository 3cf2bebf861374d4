using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;

namespace Pki.Storage.Sqlite;

/// <summary>
/// The one writer of a database in this process: runs queued writes in batches, each batch one <c>BEGIN IMMEDIATE</c>
/// transaction with one commit (and so one flush to disk) for all of its writes — group commit. Each write runs inside
/// its own savepoint, so a write that fails or is cancelled is rolled back alone and the others of its batch still
/// commit; a write's caller hears back only after the commit that made it durable, or with the error that undid it.
/// </summary>
/// <remarks>
/// A single caller pays what it paid before: a lone write is a batch of one. Under load, the writes that arrive while a
/// batch commits form the next batch, so throughput grows with the number of writers instead of being capped at one
/// commit per write.
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
    private readonly Queue<IQueuedWrite> _queue = new();
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
        bool start;
        lock (_gate)
        {
            _queue.Enqueue(write);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        return write.Task;
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
            lock (_gate)
            {
                TakeQueued(batch);
                if (batch.Count == 0)
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

            await CommitAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    /// <summary>Moves queued writes into <paramref name="batch"/>, up to <see cref="MaxBatch"/>; the caller holds the gate.</summary>
    private void TakeQueued(List<IQueuedWrite> batch)
    {
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var write))
        {
            batch.Add(write);
        }
    }

    /// <summary>Runs and commits one batch; never throws: every write of the batch learns its outcome.</summary>
    private async Task CommitAsync(List<IQueuedWrite> batch)
    {
        try
        {
            _connection ??= await open(CancellationToken.None).ConfigureAwait(false);
            var connection = _connection;
            using var transaction = connection.BeginTransaction(deferred: false);
            for (int i = 0; i < batch.Count; i++)
            {
                await batch[i].RunAsync(connection, transaction).ConfigureAwait(false);
                if (i == batch.Count - 1)
                {
                    // Writes that queued while this batch ran join it: the commit is the expensive part (every page the
                    // batch changed goes to the log, then one flush), and pages shared by the writes are written once.
                    lock (_gate)
                    {
                        TakeQueued(batch);
                    }
                }
            }

            transaction.Commit();
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

    private interface IQueuedWrite
    {
        ValueTask RunAsync(SqliteConnection connection, SqliteTransaction transaction);

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

        public async ValueTask RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _failure = ExceptionDispatchInfo.Capture(new OperationCanceledException(cancellationToken));
                return;
            }

            Execute(connection, transaction, Savepoint);
            try
            {
                _result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);

                // Undo this write alone. Should SQLite have rolled back the whole transaction (an I/O error, a full
                // disk), this throws and the batch fails as a whole.
                Execute(connection, transaction, RollbackToSavepoint);
            }

            Execute(connection, transaction, ReleaseSavepoint);
        }

        private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
        {
            using var command = Sql.Command(connection, transaction, sql);
            command.ExecuteNonQuery();
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
