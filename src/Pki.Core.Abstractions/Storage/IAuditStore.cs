namespace Pki.Core;

/// <summary>Persists audit events, append-only. The engine computes the hash chain; the store keeps the sequence gap-free.</summary>
/// <remarks>Text with U+0000 or an unpaired surrogate, indexed text over <see cref="StoreInputRules.MaximumIndexedLength"/> characters, and undefined enum members, are handled alike by every store: see <see cref="StoreInputRules"/> (writes: <see cref="PkiErrorCode.InvalidRequest"/>; lookups and filters: nothing found).</remarks>
public interface IAuditStore
{
    /// <summary>The last event, or null when the log is empty.</summary>
    ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends the event that <paramref name="next"/> builds from the current last event (null for an empty log), as one
    /// atomic step: no other append, in this process or another sharing the store, runs between reading the last event
    /// and writing the new one. A SQL store reads and inserts in one transaction that holds the log's write lock, so
    /// concurrent writers queue instead of colliding and no sequence number is skipped or taken twice.
    /// </summary>
    /// <param name="next">Builds the new event from the last one; it must return sequence <c>last.Sequence + 1</c> (1 for an
    /// empty log). Called inside the store's lock or transaction — possibly more than once if the store retries — so it
    /// must be quick and free of side effects.</param>
    /// <param name="cancellationToken">Cancels the append before it is written.</param>
    /// <returns>The event as stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="next"/> returned an event whose sequence is not the next one.</exception>
    ValueTask<AuditEvent> AppendAsync(Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken);

    /// <summary>Lists events matching <paramref name="query"/>, ordered by sequence, at most <see cref="AuditQuery.Limit"/>.</summary>
    IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
