namespace Pki.Core;

/// <summary>Persists audit events, append-only. The engine computes the hash chain; the store keeps the sequence gap-free.</summary>
public interface IAuditStore
{
    /// <summary>The last event, or null when the log is empty.</summary>
    ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="auditEvent"/> if and only if its sequence is exactly one more than the last stored one
    /// (1 for an empty log); an atomic compare-and-append that a SQL store implements with a unique sequence key.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.ConcurrencyConflict"/> when another event took that sequence; the engine retries.</exception>
    ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>Lists events matching <paramref name="query"/>, ordered by sequence, at most <see cref="AuditQuery.Limit"/>.</summary>
    IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
