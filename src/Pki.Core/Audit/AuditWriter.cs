using System.Diagnostics;
using System.Security.Cryptography;

namespace Pki.Core.Audit;

/// <summary>
/// Appends events to the <see cref="IAuditStore"/>: takes the next sequence, chains the hash, and retries when a
/// concurrent writer took the sequence first (the store's compare-and-append decides).
/// </summary>
internal sealed class AuditWriter(IAuditStore store, ICallerAccessor callers, TimeProvider time)
{
    private const int MaxAttempts = 64;

    /// <summary>
    /// Runs <paramref name="operation"/> and writes exactly one event for it: a success naming the object it produced,
    /// or a failure (denial) with the error code, after which the exception goes on to the caller.
    /// </summary>
    public async ValueTask<T> RecordAsync<T>(
        string action,
        string objectType,
        string? authorityId,
        Func<ValueTask<T>> operation,
        Func<T, (string? ObjectId, string? AuthorityId)> describe,
        CancellationToken cancellationToken)
    {
        T result;
        try
        {
            result = await operation().ConfigureAwait(false);
        }
        catch (PkiException ex)
        {
            Diagnostics.PkiTelemetry.Errors.Add(1, new KeyValuePair<string, object?>("code", ex.Code.ToString()));
            await FailedAsync(new AuditEntry(action, objectType, null, authorityId), ex.Code, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var (objectId, resultAuthorityId) = describe(result);
        // The change has happened: its event is written even if the caller gives up now.
        await SucceededAsync(new AuditEntry(action, objectType, objectId, resultAuthorityId ?? authorityId), CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    public ValueTask SucceededAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        WriteAsync(entry, AuditOutcome.Success, null, cancellationToken);

    public ValueTask FailedAsync(AuditEntry entry, PkiErrorCode code, CancellationToken cancellationToken) =>
        WriteAsync(entry, code == PkiErrorCode.Forbidden ? AuditOutcome.Denied : AuditOutcome.Failure, code, cancellationToken);

    private async ValueTask WriteAsync(AuditEntry entry, AuditOutcome outcome, PkiErrorCode? code, CancellationToken cancellationToken)
    {
        var caller = callers.Caller;
        for (int attempt = 1; ; attempt++)
        {
            var last = await store.GetLastAsync(cancellationToken).ConfigureAwait(false);
            var draft = new AuditEvent
            {
                Sequence = (last?.Sequence ?? 0) + 1,
                Timestamp = time.GetUtcNow(),
                Actor = caller.Subject,
                ActorOrganization = caller.Organization,
                Action = entry.Action,
                ObjectType = entry.ObjectType,
                ObjectId = entry.ObjectId,
                AuthorityId = entry.AuthorityId,
                Outcome = outcome,
                ErrorCode = code,
                CorrelationId = Activity.Current?.TraceId.ToString(),
                PreviousHash = last?.Hash ?? AuditHasher.GenesisHash,
                Hash = string.Empty,
            };
            try
            {
                await store.AppendAsync(draft with { Hash = AuditHasher.Compute(draft) }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.ConcurrencyConflict && attempt < MaxAttempts)
            {
                // Lost the race for the sequence. Retry at once the first time; after that wait a random few
                // milliseconds (up to 32), so that writers in several processes sharing one store (whose write locks
                // are not fair) do not keep colliding in lockstep until one runs out of attempts.
                if (attempt > 1)
                {
                    int maxMilliseconds = Math.Min(1 << Math.Min(attempt, 5), 32);
                    await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, maxMilliseconds + 1)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
