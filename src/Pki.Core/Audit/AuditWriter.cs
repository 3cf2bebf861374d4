using System.Diagnostics;

namespace Pki.Core.Audit;

/// <summary>
/// Appends events to the <see cref="IAuditStore"/>: builds each event from the log's last one (next sequence, chained
/// hash) inside the store's atomic append.
/// </summary>
internal sealed class AuditWriter(IAuditStore store, ICallerAccessor callers, TimeProvider time)
{
    /// <summary>
    /// Runs <paramref name="operation"/> and writes exactly one event for it: a success naming the object it produced,
    /// or a failure (denial) with the error code, after which the exception goes on to the caller.
    /// </summary>
    /// <remarks>
    /// The success event is offered to the store that makes the change (<see cref="PendingAuditEvent"/>): a store that
    /// writes it in the same transaction as the change makes the two atomic; otherwise it is appended here afterwards.
    /// </remarks>
    public async ValueTask<T> RecordAsync<T>(
        string action,
        string objectType,
        string? authorityId,
        Func<ValueTask<T>> operation,
        Func<T, (string? ObjectId, string? AuthorityId)> describe,
        CancellationToken cancellationToken)
    {
        // A caller the log could not record is refused before the operation (and without an event): see ScopedCallerAccessor.
        _ = callers.Caller;
        T result;
        using var pending = PendingAuditEvent.Begin(
            objectType,
            (objectId, changedAuthorityId) => Builder(new AuditEntry(action, objectType, objectId, changedAuthorityId ?? authorityId), AuditOutcome.Success, null));
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
        if (pending.WrittenEvent is { } written && string.Equals(written.ObjectId, objectId, StringComparison.Ordinal))
        {
            return result; // written with the change, in its transaction
        }

        // The change has happened: its event is written even if the caller gives up now.
        await SucceededAsync(new AuditEntry(action, objectType, objectId, resultAuthorityId ?? authorityId), CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    public ValueTask SucceededAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        WriteAsync(entry, AuditOutcome.Success, null, cancellationToken);

    public ValueTask FailedAsync(AuditEntry entry, PkiErrorCode code, CancellationToken cancellationToken) =>
        WriteAsync(entry, code == PkiErrorCode.Forbidden ? AuditOutcome.Denied : AuditOutcome.Failure, code, cancellationToken);

    private async ValueTask WriteAsync(AuditEntry entry, AuditOutcome outcome, PkiErrorCode? code, CancellationToken cancellationToken) =>
        await store.AppendAsync(Builder(entry, outcome, code), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The builder the store calls inside its lock or transaction with the true last event, so the chain never forks
    /// and concurrent writers queue rather than retry.
    /// </summary>
    private Func<AuditEvent?, AuditEvent> Builder(AuditEntry entry, AuditOutcome outcome, PkiErrorCode? code)
    {
        var caller = callers.Caller;
        string? correlationId = Activity.Current?.TraceId.ToString();
        return last =>
        {
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
                CorrelationId = correlationId,
                PreviousHash = last?.Hash ?? AuditHasher.GenesisHash,
                Hash = string.Empty,
            };
            return draft with { Hash = AuditHasher.Compute(draft) };
        };
    }
}
