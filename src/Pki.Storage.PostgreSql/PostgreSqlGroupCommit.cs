using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>
/// One audited write for <see cref="PostgreSqlGroupCommit"/>: its statements (commands holding text and parameters, on no
/// connection) and the builder of its audit event.
/// </summary>
/// <param name="Statements">The write's statements (INSERT, UPDATE or DELETE), run in order in its savepoint.</param>
/// <param name="Next">Builds the write's event from the last one (see <see cref="AuditChain.Next"/>).</param>
/// <param name="Conditional">When true, the first statement is the write's condition: unless it changes exactly one row,
/// the write is refused (undone, and its result is null).</param>
internal sealed record PostgreSqlAuditedWrite(IReadOnlyList<NpgsqlCommand> Statements, Func<AuditEvent?, AuditEvent> Next, bool Conditional = false);

/// <summary>
/// The audited writes of one database in this process (one host), committed in batches: the writes that arrive while a
/// batch commits share the next transaction — group commit. A batch takes the audit log's advisory lock once, reads the
/// last event once, inserts every write's event in order and commits once, so the lock that serializes every host's
/// issuances is held once per batch instead of once per write.
/// </summary>
/// <remarks>
/// <para>A batch is two round trips, as a lone write was: <c>BEGIN</c>, each write's statements in a savepoint of its own,
/// the lock and the last event; then the events and <c>COMMIT</c>. A write that is refused (a statement fails, its
/// condition changes no row, its event cannot be built) is rolled back to its savepoint, which undoes the writes sent
/// after it too: those are sent again with the lock and the read in one more round trip. A batch of one needs no savepoint.</para>
/// <para>A caller hears back only after the commit that made its write durable, or with the error that undid it; when the
/// commit (or the connection) fails, every write of the batch fails and nothing of it is kept. A write whose cancellation
/// token fires before its statements are sent is dropped (<see cref="OperationCanceledException"/>); once sent, it rides
/// along: a committed write is never reported as failed.</para>
/// </remarks>
internal sealed class PostgreSqlGroupCommit(PostgreSqlDatabase db)
{
    /// <summary>
    /// The most writes one transaction carries: each savepoint that writes is a subtransaction, and past 64 of them every
    /// other session's snapshot gets slower (the subtransaction cache overflows).
    /// </summary>
    internal const int MaxBatch = 32;

    private readonly Lock _gate = new();
    private readonly Queue<QueuedWrite> _queue = new();
    private bool _draining;
    private long _commits;
    private long _committedWrites;

    /// <summary>How many transactions carrying writes have committed (for tests and diagnostics).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>How many writes those transactions carried.</summary>
    public long CommittedWrites => Interlocked.Read(ref _committedWrites);

    /// <summary>How many writes wait for a batch (for tests).</summary>
    internal int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="write"/> and completes once the batch that carried it has committed, with its event; with null
    /// when its condition changed no row. A failing statement's <see cref="PostgresException"/> is the write's error.
    /// </summary>
    public Task<AuditEvent?> WriteAsync(PostgreSqlAuditedWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var queued = new QueuedWrite(write, cancellationToken);
        bool start;
        lock (_gate)
        {
            _queue.Enqueue(queued);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            // Without the enqueuing operation's ambient state (its pending audit event): the drain serves every write.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }
        }

        return queued.Task;
    }

    private async Task DrainAsync()
    {
        var batch = new List<QueuedWrite>();
        while (true)
        {
            lock (_gate)
            {
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _draining = false;
                    return;
                }
            }

            await CommitAsync(batch).ConfigureAwait(false);
            foreach (var write in batch)
            {
                write.Complete();
            }

            batch.Clear();
        }
    }

    /// <summary>Runs and commits one batch; never throws: every write learns its outcome.</summary>
    private async Task CommitAsync(List<QueuedWrite> batch)
    {
        var live = batch.Where(w => !w.DropIfCancelled()).ToList();
        if (live.Count == 0)
        {
            return;
        }

        NpgsqlConnection? connection = null;
        try
        {
            await db.EnsureMigratedAsync(CancellationToken.None).ConfigureAwait(false);
            connection = await db.DataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            bool savepoints = live.Count > 1;
            int? undo = null;
            while (await SendAsync(connection, live, undo, savepoints).ConfigureAwait(false) is { } refused)
            {
                if (!savepoints || live.All(w => w.Settled))
                {
                    await PostgreSqlQueries.RollbackQuietlyAsync(connection).ConfigureAwait(false);
                    return;
                }

                undo = refused;
            }

            await using var commit = new NpgsqlBatch(connection);
            foreach (var write in live.Where(w => !w.Settled))
            {
                using var insert = new NpgsqlCommand(PostgreSqlAuditStore.InsertSql(db));
                PostgreSqlAuditStore.BindInsert(insert, write.Event!);
                commit.BatchCommands.Add(ToBatchCommand(insert));
            }

            commit.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await commit.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _committedWrites, live.Count(w => !w.Settled));
        }
        catch (Exception ex)
        {
            // Nothing of the batch was committed: every write still standing fails with the reason.
            foreach (var write in live)
            {
                write.Fail(ex);
            }

            if (connection is not null)
            {
                await PostgreSqlQueries.RollbackQuietlyAsync(connection).ConfigureAwait(false);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// True when <paramref name="error"/> ended the session rather than one statement (the backend was terminated or the
    /// server is shutting down: SQLSTATE 57P01–57P05; a connection exception: class 08; or the connection is closed): no
    /// write is to blame, and no savepoint can be rolled back to, so the whole batch fails with that error. A cancelled
    /// statement (57014: <c>statement_timeout</c>, <c>pg_cancel_backend</c>) leaves the session usable: its write alone fails.
    /// </summary>
    private static bool IsConnectionLost(PostgresException error, NpgsqlConnection connection) =>
        error.SqlState.StartsWith("57P", StringComparison.Ordinal) || error.SqlState.StartsWith("08", StringComparison.Ordinal)
        || connection.State != System.Data.ConnectionState.Open;

    /// <summary>
    /// One round trip: <c>BEGIN</c> (or, after write <paramref name="undo"/> was refused, the rollback to its savepoint),
    /// the statements of the writes after it still standing, the log's lock and the read of the last event; then chains
    /// the events of every standing write. Returns the index of the write refused in this round, or null when every
    /// standing write has its event.
    /// </summary>
    private async Task<int?> SendAsync(NpgsqlConnection connection, List<QueuedWrite> live, int? undo, bool savepoints)
    {
        await using var round = new NpgsqlBatch(connection);
        round.BatchCommands.Add(new NpgsqlBatchCommand(undo is { } u ? $"ROLLBACK TO SAVEPOINT pki_w{u}" : "BEGIN"));
        for (int i = (undo ?? -1) + 1; i < live.Count; i++)
        {
            if (live[i].DropIfCancelled())
            {
                continue;
            }

            if (savepoints)
            {
                round.BatchCommands.Add(new NpgsqlBatchCommand($"SAVEPOINT pki_w{i}"));
            }

            live[i].AddTo(round);
        }

        using (var lockCommand = new NpgsqlCommand(PostgreSqlAuditStore.LockSql))
        {
            PostgreSqlAuditStore.AddLockParameter(lockCommand, db);
            round.BatchCommands.Add(ToBatchCommand(lockCommand));
        }

        round.BatchCommands.Add(new NpgsqlBatchCommand(PostgreSqlAuditStore.LastSql(db)));
        AuditEvent? last = null;
        int? failed = null;
        PostgresException? error = null;
        try
        {
            await using var reader = await round.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            last = await PostgreSqlAuditStore.ReadLastAsync(reader, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException e) when (!IsConnectionLost(e, connection) && live.FindIndex(w => !w.Settled && w.Failed) is var index and >= 0)
        {
            // The failed statement is the first one that did not complete (the later ones were skipped); it is a write's,
            // unless every write completed (then the lock or the read failed, and the batch fails).
            (failed, error) = (index, e);
        }

        // The first write to undo: one whose condition changed no row, or the one whose statement failed.
        for (int i = 0; i < (failed ?? live.Count); i++)
        {
            if (!live[i].Settled && live[i].IsRefusedBy(round))
            {
                live[i].Refuse(null);
                return i;
            }
        }

        if (failed is { } f)
        {
            live[f].Refuse(error);
            return f;
        }

        for (int i = 0; i < live.Count; i++)
        {
            if (!live[i].Settled && !live[i].TryChain(ref last))
            {
                return i;
            }
        }

        return null;
    }

    private static NpgsqlBatchCommand ToBatchCommand(NpgsqlCommand command)
    {
        var batchCommand = new NpgsqlBatchCommand(command.CommandText);
        foreach (NpgsqlParameter parameter in command.Parameters)
        {
            batchCommand.Parameters.Add(parameter.Clone());
        }

        return batchCommand;
    }

    private sealed class QueuedWrite(PostgreSqlAuditedWrite write, CancellationToken cancellationToken)
    {
        private readonly TaskCompletionSource<AuditEvent?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<NpgsqlBatchCommand> _sent = [];
        private Exception? _failure;
        private bool _refused;

        public Task<AuditEvent?> Task => _completion.Task;

        /// <summary>The write's event, chained in the batch's last round trip.</summary>
        public AuditEvent? Event { get; private set; }

        /// <summary>True once the write has its outcome without the commit: failed, refused or dropped.</summary>
        public bool Settled => _failure is not null || _refused;

        /// <summary>Drops the write when its token fired before its statements were sent; true when it is (or was) dropped.</summary>
        public bool DropIfCancelled()
        {
            if (!Settled && cancellationToken.IsCancellationRequested)
            {
                _failure = new OperationCanceledException(cancellationToken);
            }

            return _failure is OperationCanceledException;
        }

        /// <summary>Adds the write's statements to <paramref name="round"/> (fresh commands: it may be sent again).</summary>
        public void AddTo(NpgsqlBatch round)
        {
            _sent.Clear();
            foreach (var statement in write.Statements)
            {
                var command = ToBatchCommand(statement);
                _sent.Add(command);
                round.BatchCommands.Add(command);
            }
        }

        /// <summary>
        /// True when a statement of the write, as last sent, did not complete (Npgsql's <see cref="NpgsqlException.BatchCommand"/>
        /// is not filled in unless the connection string asks for it): the write's statements are INSERT, UPDATE or DELETE,
        /// whose row count is known (not -1) once they complete.
        /// </summary>
        public bool Failed => _sent.Exists(c => c.RecordsAffected < 0);

        /// <summary>True when the write was sent in <paramref name="round"/> and its condition changed no row.</summary>
        public bool IsRefusedBy(NpgsqlBatch round) =>
            write.Conditional && _sent.Count > 0 && round.BatchCommands.Contains(_sent[0]) && _sent[0].RecordsAffected != 1;

        /// <summary>
        /// The write is undone (rolled back to its savepoint): with its statement's <paramref name="error"/>, unless its
        /// condition completed and changed no row (then it is refused, as when <paramref name="error"/> is null).
        /// </summary>
        public void Refuse(PostgresException? error)
        {
            if (error is null || (write.Conditional && _sent[0].RecordsAffected == 0))
            {
                _refused = true;
            }
            else
            {
                _failure = error;
            }
        }

        /// <summary>Builds the write's event after <paramref name="last"/>; on failure, the write fails with the reason.</summary>
        public bool TryChain(ref AuditEvent? last)
        {
            try
            {
                Event = AuditChain.Next(last, write.Next);
                last = Event;
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException or PkiException)
            {
                _failure = ex;
                return false;
            }
        }

        /// <summary>The batch failed: unless this write already has its outcome, it fails with the batch.</summary>
        public void Fail(Exception batchFailure)
        {
            if (!Settled)
            {
                _failure = batchFailure;
            }
        }

        public void Complete()
        {
            if (_failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(cancellationToken);
            }
            else if (_failure is not null)
            {
                _completion.TrySetException(_failure);
            }
            else
            {
                _completion.TrySetResult(_refused ? null : Event);
            }
        }
    }
}
