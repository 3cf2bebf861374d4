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
    public ValueTask<T> RecordAsync<T>(
        string action,
        string objectType,
        string? authorityId,
        Func<ValueTask<T>> operation,
        Func<T, (string? ObjectId, string? AuthorityId)> describe,
        CancellationToken cancellationToken) =>
        RecordAsync(action, objectType, authorityId, operation, describe, inOneTransaction: false, cancellationToken);

    /// <summary>
    /// Records an operation as the overload above does. For an operation that makes more than one change: with <paramref name="inOneTransaction"/>, its changes and its
    /// success event are written in one <see cref="StoreTransaction"/>, so that stores that enlist (SQLite, PostgreSQL)
    /// commit them together, and a failure, or a crash, leaves none of them.
    /// </summary>
    public ValueTask<T> RecordAsync<T>(
        string action,
        string objectType,
        string? authorityId,
        Func<ValueTask<T>> operation,
        Func<T, (string? ObjectId, string? AuthorityId)> describe,
        bool inOneTransaction,
        CancellationToken cancellationToken) =>
        RecordAsync(action, objectType, authorityId, operation, describe, inOneTransaction, target: null, cancellationToken);

    /// <summary>
    /// Records an operation on an object known before it runs, as the overloads above do; a failure or denial event names
    /// what <paramref name="target"/> returns when it fails (the object's id, and its CA once the operation found it), so
    /// that the CA's administrators see the attempts on their objects too.
    /// </summary>
    public ValueTask<T> RecordAsync<T>(
        string action,
        string objectType,
        string? authorityId,
        Func<ValueTask<T>> operation,
        Func<T, (string? ObjectId, string? AuthorityId)> describe,
        bool inOneTransaction,
        Func<(string? ObjectId, string? AuthorityId)>? target,
        CancellationToken cancellationToken) =>
        RunAsync(action, objectType, authorityId, operation, describe, inOneTransaction, target, recordFailure: true, cancellationToken);

    /// <summary>
    /// Records an operation the caller did not ask for by name (a CRL renewed while serving a request for it): its success
    /// as any other, but not its failure, so that anonymous requests cannot grow the log with one refusal each (the error
    /// still reaches the caller, and the host's log).
    /// </summary>
    public ValueTask<T> RecordSuccessAsync<T>(
        string action, string objectType, Func<ValueTask<T>> operation, Func<T, (string? ObjectId, string? AuthorityId)> describe, CancellationToken cancellationToken) =>
        RunAsync(action, objectType, null, operation, describe, inOneTransaction: false, target: null, recordFailure: false, cancellationToken);

    private async ValueTask<T> RunAsync<T>(
        string action,
        string objectType,
        string? authorityId,
        Func<ValueTask<T>> operation,
        Func<T, (string? ObjectId, string? AuthorityId)> describe,
        bool inOneTransaction,
        Func<(string? ObjectId, string? AuthorityId)>? target,
        bool recordFailure,
        CancellationToken cancellationToken)
    {
        // A caller the log could not record is refused before the operation (and without an event): see ScopedCallerAccessor.
        _ = callers.Caller;
        var transaction = inOneTransaction ? StoreTransaction.Begin() : null;
        bool changed = false;
        try
        {
            T result;
            using (var pending = PendingAuditEvent.Begin(
                objectType,
                (objectId, changedAuthorityId) => Builder(new AuditEntry(action, objectType, objectId, changedAuthorityId ?? authorityId), AuditOutcome.Success, null)))
            {
                result = await operation().ConfigureAwait(false);
                changed = true;
                var (objectId, resultAuthorityId) = describe(result);
                if (pending.WrittenEvent is not { } written || !string.Equals(written.ObjectId, objectId, StringComparison.Ordinal))
                {
                    // The change has happened: its event is written even if the caller gives up now (in the transaction,
                    // when there is one).
                    await SucceededAsync(new AuditEntry(action, objectType, objectId, resultAuthorityId ?? authorityId), CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return result;
        }
        catch (PkiException ex) when (!changed || transaction is not null)
        {
            // The operation failed, or (in a transaction) its event or commit did, which undid its changes.
            if (transaction is not null)
            {
                // Rolled back first: the failure event is not part of what failed, and must not wait for it.
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            Diagnostics.PkiTelemetry.Errors.Add(1, new KeyValuePair<string, object?>("code", ex.Code.ToString()));
            if (!recordFailure)
            {
                throw;
            }

            var (failedObject, failedAuthority) = target?.Invoke() ?? (null, null);
            failedObject ??= ex.Data[Authorization.PkiAuthorizer.DeniedObjectKey] as string;
            failedAuthority ??= ex.Data[Authorization.PkiAuthorizer.DeniedAuthorityKey] as string;
            await FailedAsync(new AuditEntry(action, objectType, failedObject, failedAuthority ?? authorityId), ex.Code, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
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
