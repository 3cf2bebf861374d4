namespace Pki.Core.Revocation;

internal sealed partial class RevocationService
{
    private const int MaximumCommentLength = 1000;
    private static readonly CertificateStatus[] PendingStatuses = [CertificateStatus.PendingRevocation, CertificateStatus.PendingReactivation];

    public async ValueTask<CertificateRecord> RevokeAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Certificate);
        RevocationStateMachine.EnsureRequestable(request.Reason);
        var now = time.GetUtcNow();
        if (request.InvalidityDate > now)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"The invalidity date {request.InvalidityDate:u} is in the future.");
        }

        if (request.Comment is { Length: > MaximumCommentLength })
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A revocation comment may have at most {MaximumCommentLength} characters.");
        }

        if (request.Comment is not null && !RequestText.IsClean(request.Comment, allowLineBreaks: true))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A revocation comment may not hold control characters other than tab and line breaks, or unpaired surrogates.");
        }

        var record = await FindCertificateAsync(request.Certificate, cancellationToken).ConfigureAwait(false);
        return await TransitionAsync(record, current =>
        {
            var next = RevocationStateMachine.Revoke(current.Status, request.Reason, Settings.AsynchronousPublication);
            bool fromHold = current.Status is CertificateStatus.OnHold or CertificateStatus.PendingReactivation;
            return new CertificateStatusChange
            {
                CertificateId = current.Id,
                ExpectedStatus = current.Status,
                NewStatus = next,
                Reason = request.Reason,
                RevokedAt = fromHold && current.RevokedAt is { } heldSince ? heldSince : now,
                InvalidityDate = request.InvalidityDate,
                Comment = request.Comment,
                ChangedAt = now,
            };
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRecord> ReactivateAsync(CertificateReference certificate, CancellationToken cancellationToken = default)
    {
        var record = await FindCertificateAsync(certificate, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return await TransitionAsync(record, current =>
        {
            var next = RevocationStateMachine.Reactivate(current.Status, Settings.AsynchronousPublication);
            return next == CertificateStatus.Active
                ? new CertificateStatusChange { CertificateId = current.Id, ExpectedStatus = current.Status, NewStatus = next, ChangedAt = now }
                : Keep(current, next, now);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRevocationList> PublishAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        var pending = new List<RevocationEntry>();
        foreach (var status in PendingStatuses)
        {
            var query = new RevocationEntryQuery { AuthorityId = record.Id, Status = status };
            await foreach (var entry in store.ListEntriesAsync(query, cancellationToken).ConfigureAwait(false))
            {
                pending.Add(entry);
            }
        }

        var now = time.GetUtcNow();
        foreach (var entry in pending)
        {
            var current = await certificates.GetAsync(entry.CertificateId, cancellationToken).ConfigureAwait(false);
            if (current is null || RevocationStateMachine.Publish(current.Status, current.RevocationReason) is not { } next)
            {
                continue;
            }

            var change = next == CertificateStatus.Active
                ? new CertificateStatusChange { CertificateId = current.Id, ExpectedStatus = current.Status, NewStatus = next, ChangedAt = now }
                : Keep(current, next, now);

            // A lost compare-and-set means a concurrent change moved the certificate on; the next publication sees it.
            var updated = await store.TryChangeStatusAsync(change, cancellationToken).ConfigureAwait(false);
            if (updated is not null)
            {
                // A status changed: from here on the publication runs to its CRL (and its audit event) even if the
                // caller gives up, so that no change is left without the CRL that publishes it.
                cancellationToken = CancellationToken.None;
                await AfterTransitionAsync(current.Status, updated, cancellationToken).ConfigureAwait(false);
            }
        }

        return await CreateCrlAsync(CaReference.ById(record.Id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads, validates through <paramref name="plan"/> and compare-and-sets until a change sticks or attempts run out.</summary>
    private async ValueTask<CertificateRecord> TransitionAsync(CertificateRecord record, Func<CertificateRecord, CertificateStatusChange> plan, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= TransitionAttempts; attempt++)
        {
            var change = plan(record); // throws for forbidden edges
            var updated = await store.TryChangeStatusAsync(change, cancellationToken).ConfigureAwait(false);
            if (updated is not null)
            {
                // The change is stored: the CA's own status follows it even if the caller gives up now.
                await AfterTransitionAsync(record.Status, updated, CancellationToken.None).ConfigureAwait(false);
                return updated;
            }

            record = await certificates.GetAsync(record.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{record.Id}' does not exist.");
        }

        throw new PkiException(PkiErrorCode.ConcurrencyConflict, $"Certificate '{record.Id}' kept changing concurrently; retry.");
    }

    private static CertificateStatusChange Keep(CertificateRecord current, CertificateStatus next, DateTimeOffset now) => new()
    {
        CertificateId = current.Id,
        ExpectedStatus = current.Status,
        NewStatus = next,
        Reason = current.RevocationReason,
        RevokedAt = current.RevokedAt,
        InvalidityDate = current.InvalidityDate,
        Comment = current.RevocationComment,
        ChangedAt = now,
    };

    /// <summary>Discards cached OCSP answers (and the delegated responder, whose certificate this may be), and keeps a
    /// CA's own status in step with its certificate's.</summary>
    private async ValueTask AfterTransitionAsync(CertificateStatus previous, CertificateRecord updated, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _generation);
        _responders.TryRemove(updated.CertificateAuthority.Id, out _);
        LogTransition(_logger, updated.Id, updated.SerialNumberHex, updated.CertificateAuthority.Id, previous, updated.Status, updated.RevocationReason);
        if (updated.Type != CertificateType.CertificateAuthority)
        {
            return;
        }

        var query = new AuthorityQuery { ParentId = updated.CertificateAuthority.Id, Limit = 1000 };
        string? after = null;
        while (true)
        {
            int count = 0;
            await foreach (var authority in authorities.ListAsync(query with { After = after }, cancellationToken).ConfigureAwait(false))
            {
                count++;
                after = authority.Id;
                if (authority.FingerprintSha256 != updated.FingerprintSha256)
                {
                    continue;
                }

                // Any revocation stops issuance at once (also a hold, also while pending); only an effective reactivation resumes it.
                var status = updated.Status == CertificateStatus.Active ? AuthorityStatus.Active : AuthorityStatus.Revoked;
                if (authority.Status != status)
                {
                    await authorities.UpdateAsync(authority with { Status = status }, cancellationToken).ConfigureAwait(false);
                    resolver.Forget(authority.Id);
                    LogAuthorityStatus(_logger, authority.Id, authority.Name, status, updated.Status);
                }

                return;
            }

            if (count < query.Limit)
            {
                return;
            }
        }
    }
}
