namespace Pki.Core;

/// <summary>Reads and verifies the audit log. Events are written by the library itself, never by callers.</summary>
public interface IAuditLog
{
    /// <summary>Lists events matching <paramref name="query"/>, ordered by sequence.</summary>
    IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Walks the whole log and reports the first broken link: an edited, deleted or reordered event.</summary>
    ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
