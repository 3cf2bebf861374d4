using System.Runtime.CompilerServices;
using Pki.Core.Audit;

namespace Pki.Core.Authorization.Governed;

/// <summary>
/// The audit log as hosts see it. A Superuser (and the system caller) reads and verifies the whole log; an Admin reads
/// the events of their organization — those whose actor belongs to it or whose CA does; anyone else is refused.
/// </summary>
/// <remarks>An Admin's page is filled from as many pages of the log as it takes, so paging by
/// <see cref="AuditQuery.AfterSequence"/> (the last sequence returned) still reaches every visible event.</remarks>
internal sealed class GovernedAuditLog(AuditLog inner, PkiAuthorizer authorizer, IAuthorityStore authorities) : IAuditLog
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Forbidden"/> for a caller who is neither a Superuser nor an
    /// Admin of an organization; <see cref="PkiErrorCode.InvalidRequest"/> for a page size outside 1 to 1,000.</exception>
    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new AuditQuery();
        AuditLog.CheckLimit(query);
        var caller = authorizer.Caller;
        IAsyncEnumerable<AuditEvent> events;
        if (caller.IsSuperuser)
        {
            events = inner.QueryAsync(query, cancellationToken);
        }
        else if (caller.Roles.HasFlag(PkiRoles.Admin) && caller.Organization is not null)
        {
            events = QueryOrganizationAsync(query, caller.Organization, cancellationToken);
        }
        else
        {
            throw new PkiException(PkiErrorCode.Forbidden, $"'{caller.Subject}' may not read the audit log.");
        }

        await foreach (var auditEvent in events.ConfigureAwait(false))
        {
            yield return auditEvent;
        }
    }

    /// <exception cref="PkiException"><see cref="PkiErrorCode.Forbidden"/> unless the caller is a Superuser: the walk covers
    /// every organization's events.</exception>
    public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var caller = authorizer.Caller;
        return caller.IsSuperuser
            ? inner.VerifyAsync(cancellationToken)
            : throw new PkiException(PkiErrorCode.Forbidden, $"'{caller.Subject}' may not verify the audit log.");
    }

    private async IAsyncEnumerable<AuditEvent> QueryOrganizationAsync(
        AuditQuery query, string organization, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var organizationOf = new Dictionary<string, string?>(StringComparer.Ordinal); // CA id → its organization
        int remaining = query.Limit;
        long after = query.AfterSequence;
        while (true)
        {
            int read = 0;
            await foreach (var auditEvent in inner.QueryAsync(query with { AfterSequence = after, Limit = AuditLog.PageSize }, cancellationToken).ConfigureAwait(false))
            {
                read++;
                after = auditEvent.Sequence;
                if (await IsVisibleAsync(auditEvent).ConfigureAwait(false))
                {
                    yield return auditEvent;
                    if (--remaining == 0)
                    {
                        yield break;
                    }
                }
            }

            if (read < AuditLog.PageSize)
            {
                yield break;
            }
        }

        async ValueTask<bool> IsVisibleAsync(AuditEvent auditEvent)
        {
            if (string.Equals(auditEvent.ActorOrganization, organization, StringComparison.Ordinal))
            {
                return true;
            }

            if (auditEvent.AuthorityId is not { } authorityId)
            {
                return false;
            }

            if (!organizationOf.TryGetValue(authorityId, out string? owner))
            {
                owner = (await authorities.GetAsync(authorityId, cancellationToken).ConfigureAwait(false))?.Organization;
                organizationOf[authorityId] = owner;
            }

            return string.Equals(owner, organization, StringComparison.Ordinal);
        }
    }
}
