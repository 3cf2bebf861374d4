using System.Runtime.CompilerServices;

namespace Pki.Core.Audit;

/// <summary>Reads the audit log and verifies its hash chain (for everyone: hosts get <see cref="Authorization.Governed.GovernedAuditLog"/>).</summary>
internal sealed class AuditLog(IAuditStore store) : IAuditLog
{
    /// <summary>The most events one page holds.</summary>
    public const int PageSize = 1000;

    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the page size is outside 1 to <see cref="PageSize"/>.</exception>
    public static void CheckLimit(AuditQuery query)
    {
        if (query.Limit is < 1 or > PageSize)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A page holds 1 to {PageSize} entries, not {query.Limit}.");
        }
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new AuditQuery();
        CheckLimit(query);
        await foreach (var auditEvent in store.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return auditEvent;
        }
    }

    public async ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        long expected = 1;
        string previous = AuditHasher.GenesisHash;
        while (true)
        {
            int read = 0;
            // The first page starts below any sequence: a row slipped in at 0 or below must show up as out of order.
            var page = new AuditQuery { AfterSequence = expected == 1 ? long.MinValue : expected - 1, Limit = PageSize };
            await foreach (var e in store.QueryAsync(page, cancellationToken).ConfigureAwait(false))
            {
                read++;
                if (e.Sequence != expected)
                {
                    return Broken(expected, e.Sequence < expected ? "an event is out of order" : $"event {expected} is missing (deleted)");
                }

                if (e.PreviousHash != previous)
                {
                    return Broken(expected, "the link to the previous event is broken (an event before it was deleted, edited or reordered)");
                }

                if (AuditHasher.Compute(e) != e.Hash)
                {
                    return Broken(expected, "the event's content does not match its hash (edited)");
                }

                previous = e.Hash;
                expected++;
            }

            if (read < PageSize)
            {
                return new AuditVerification(true, expected - 1, null, null);
            }
        }

        AuditVerification Broken(long sequence, string reason) => new(false, expected - 1, sequence, reason);
    }
}
