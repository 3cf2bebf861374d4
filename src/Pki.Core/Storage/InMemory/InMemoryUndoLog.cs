namespace Pki.Core.Storage.InMemory;

/// <summary>
/// The in-memory stores' part in a <see cref="StoreTransaction"/>: each change an operation makes inside one is applied at
/// once and leaves here how to take it back, so that rolling the transaction back (a failure or a cancellation after
/// the operation's first change) leaves the stores as they were. Atomic, not isolated: other callers see the changes
/// before the commit.
/// </summary>
/// <remarks>
/// An undo takes back only its own change: it compares the store's current value with the one the change left and
/// restores the earlier one only when they are the same object, so a later change by another caller is never
/// overwritten. All in-memory stores share one log per transaction.
/// </remarks>
internal sealed class InMemoryUndoLog : IStoreTransactionParticipant
{
    /// <summary>What every in-memory store enlists as its "database" (compared by reference).</summary>
    private static readonly object InMemoryStores = new();

    private readonly Lock _gate = new();
    private List<Action>? _undos = [];

    private InMemoryUndoLog()
    {
    }

    /// <summary>
    /// The log of the transaction the calling flow runs in, or null outside one. Call it before a change, so that a
    /// transaction that has already ended refuses the change rather than letting it through unrecorded.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction is no longer open.</exception>
    public static InMemoryUndoLog? Current()
    {
        if (StoreTransaction.Current is not { } transaction)
        {
            return null;
        }

        // The begin below completes at once, so does the enlistment.
        var enlistment = transaction.EnlistAsync(InMemoryStores, static () => ValueTask.FromResult(new InMemoryUndoLog()));
        return enlistment.IsCompletedSuccessfully ? enlistment.Result : enlistment.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Records how to take back a change that has just been made.</summary>
    public void Add(Action undo)
    {
        lock (_gate)
        {
            // After the commit or rollback (a change racing its transaction's end), the change stays, as outside one.
            _undos?.Add(undo);
        }
    }

    public ValueTask CommitAsync()
    {
        lock (_gate)
        {
            _undos = null;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RollbackAsync()
    {
        List<Action>? undos;
        lock (_gate)
        {
            (undos, _undos) = (_undos, null);
        }

        for (int i = (undos?.Count ?? 0) - 1; i >= 0; i--)
        {
            undos![i](); // the undos only touch dictionaries under their store's lock: they do not throw
        }

        return ValueTask.CompletedTask;
    }
}
