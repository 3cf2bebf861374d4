namespace Pki.Core;

/// <summary>
/// The one transaction of an engine operation that makes more than one change (a subordinate CA and its certificate
/// record at the parent, a CA certificate's revocation and the CA's status, a publication's status changes and its CRL,
/// a responder's certificate and its record) together with the operation's audit event. A store whose changes can
/// share a database transaction enlists in it (<see cref="EnlistAsync{TParticipant}"/>): everything the operation
/// writes through it then commits at once, or not at all when the operation fails, is cancelled before it changed
/// anything, or its process dies half-way. The in-memory stores enlist an undo log instead: their changes are visible to
/// everyone at once and taken back on rollback (atomic, not isolated; a process that dies keeps nothing anyway).
/// </summary>
/// <remarks>
/// <para>The engine opens one with <see cref="Begin"/> around such an operation; it flows with the operation's async
/// calls (<see cref="AsyncLocal{T}"/>). A store reads <see cref="Current"/> on every read and write: when there is one,
/// it enlists its database once (the first enlistment begins the database transaction) and runs the read or write in
/// that transaction, so the operation also reads what it wrote. Opening one inside another joins the outer one.</para>
/// <para>All stores of a provider must share one database: were two databases to enlist, each would commit on its own.
/// Keep an operation's transaction short: while it is open, the database's other writers of this process (SQLite) or
/// the rows it locked (PostgreSQL) wait.</para>
/// </remarks>
public sealed class StoreTransaction : IAsyncDisposable
{
    private static readonly AsyncLocal<StoreTransaction?> Ambient = new();

    private readonly StoreTransaction? _outer;
    private readonly Lock _gate = new();
    private readonly List<(object Database, Task<IStoreTransactionParticipant> Participant)> _participants = [];
    private bool _ended;

    private StoreTransaction(StoreTransaction? outer) => _outer = outer;

    /// <summary>The open transaction of the operation this code runs in, or null (none, or already committed or rolled back).</summary>
    public static StoreTransaction? Current => Ambient.Value is { IsOpen: true } current ? current : null;

    /// <summary>True until the outermost transaction is committed or rolled back.</summary>
    private bool IsOpen => _outer?.IsOpen ?? !Volatile.Read(ref _ended);

    /// <summary>
    /// Makes a transaction current for the calling async flow until it is disposed. Inside an open one, the new one joins
    /// it: committing or disposing it does nothing, and the outer one commits everything.
    /// </summary>
    /// <remarks>Always dispose it (<c>await using</c>): until the outermost one is committed or disposed, an enlisted
    /// database keeps its transaction open — SQLite's writer of this process, a PostgreSQL connection and its locks.
    /// Internal: only the engine opens transactions, around its own operations. A host that wrapped library calls in one
    /// and disposed it without committing would erase issued certificates (already in the caller's hands) and their
    /// audit events.</remarks>
    internal static StoreTransaction Begin()
    {
        var transaction = new StoreTransaction(Current);
        Ambient.Value = transaction;
        return transaction;
    }

    /// <summary>
    /// The participant of <paramref name="database"/> in this transaction: begun by <paramref name="begin"/> the first
    /// time a store of that database enlists, the same one afterwards (concurrent first calls share one begin).
    /// </summary>
    /// <typeparam name="TParticipant">The store package's participant type.</typeparam>
    /// <param name="database">The object that stands for one database (compared by reference).</param>
    /// <param name="begin">Begins the database transaction; a failure fails this call and the next one begins again.</param>
    /// <exception cref="InvalidOperationException">The transaction is no longer open.</exception>
    public async ValueTask<TParticipant> EnlistAsync<TParticipant>(object database, Func<ValueTask<TParticipant>> begin)
        where TParticipant : class, IStoreTransactionParticipant
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(begin);
        if (_outer is not null)
        {
            return await _outer.EnlistAsync(database, begin).ConfigureAwait(false);
        }

        Task<IStoreTransactionParticipant> participant;
        lock (_gate)
        {
            if (_ended)
            {
                throw new InvalidOperationException("The store transaction has already been committed or rolled back.");
            }

            int index = _participants.FindIndex(p => ReferenceEquals(p.Database, database));
            if (index >= 0 && !_participants[index].Participant.IsFaulted && !_participants[index].Participant.IsCanceled)
            {
                participant = _participants[index].Participant;
            }
            else
            {
                participant = BeginAsync(begin);
                if (index >= 0)
                {
                    _participants[index] = (database, participant);
                }
                else
                {
                    _participants.Add((database, participant));
                }
            }
        }

        return (TParticipant)await participant.ConfigureAwait(false);
    }

    /// <summary>
    /// The participant of <paramref name="database"/> when a store of it has already enlisted (its transaction has
    /// begun), otherwise null. Reads use it to see the operation's own writes without beginning a transaction early.
    /// </summary>
    /// <typeparam name="TParticipant">The store package's participant type.</typeparam>
    /// <param name="database">The object that stands for one database (compared by reference).</param>
    public TParticipant? FindParticipant<TParticipant>(object database)
        where TParticipant : class, IStoreTransactionParticipant
    {
        ArgumentNullException.ThrowIfNull(database);
        if (_outer is not null)
        {
            return _outer.FindParticipant<TParticipant>(database);
        }

        lock (_gate)
        {
            foreach (var (owner, participant) in _participants)
            {
                if (ReferenceEquals(owner, database) && participant.IsCompletedSuccessfully)
                {
                    return participant.Result as TParticipant;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Commits what the enlisted stores wrote (nothing to do when none enlisted). Inside an outer transaction, does
    /// nothing: the outer one commits. Once the commit has been sent, <paramref name="cancellationToken"/> no longer counts.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction is no longer open.</exception>
    internal async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_outer is not null)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var participants = await EndAsync(throwIfEnded: true).ConfigureAwait(false);
        try
        {
            foreach (var participant in participants)
            {
                await participant.CommitAsync().ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var participant in participants)
            {
                await participant.RollbackAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Ends the scope: rolls back what the enlisted stores wrote unless <see cref="CommitAsync"/> ran, and makes the
    /// enclosing transaction (if any) current again.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        // Synchronously, in the caller's execution context: set inside an async method, the ambient value would be
        // restored when that method returns.
        if (ReferenceEquals(Ambient.Value, this))
        {
            Ambient.Value = _outer;
        }

        return _outer is null ? RollbackAsync() : ValueTask.CompletedTask;
    }

    private async ValueTask RollbackAsync()
    {
        foreach (var participant in await EndAsync(throwIfEnded: false).ConfigureAwait(false))
        {
            await participant.RollbackAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the transaction to new enlistments and returns the participants that began.</summary>
    private async ValueTask<List<IStoreTransactionParticipant>> EndAsync(bool throwIfEnded)
    {
        List<Task<IStoreTransactionParticipant>> begun;
        lock (_gate)
        {
            if (_ended)
            {
                return throwIfEnded
                    ? throw new InvalidOperationException("The store transaction has already been committed or rolled back.")
                    : [];
            }

            _ended = true;
            begun = _participants.ConvertAll(p => p.Participant);
        }

        // Enlistments run inside the operation, which has normally finished with them by now; one still beginning is
        // waited for, so that it is committed or rolled back rather than left open.
        var participants = new List<IStoreTransactionParticipant>(begun.Count);
        foreach (var participant in begun)
        {
            try
            {
                participants.Add(await participant.ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // It never began: nothing to commit or roll back (its enlistment reported the failure).
            }
        }

        return participants;
    }

    private static async Task<IStoreTransactionParticipant> BeginAsync<TParticipant>(Func<ValueTask<TParticipant>> begin)
        where TParticipant : class, IStoreTransactionParticipant =>
        await begin().ConfigureAwait(false);
}
