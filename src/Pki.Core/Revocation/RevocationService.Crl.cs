using Pki.Core.Authority;

namespace Pki.Core.Revocation;

internal sealed partial class RevocationService
{
    public async ValueTask<CertificateRevocationList> GetCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        var latest = await store.GetLatestCrlAsync(record.Id, delta: false, cancellationToken).ConfigureAwait(false);
        if (latest is not null && await IsFreshAsync(latest, cancellationToken).ConfigureAwait(false))
        {
            return latest;
        }

        return await CreateCrlAsync(CaReference.ById(record.Id), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRevocationList> GetDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        var latestBase = await store.GetLatestCrlAsync(record.Id, delta: false, cancellationToken).ConfigureAwait(false);
        var latest = await store.GetLatestCrlAsync(record.Id, delta: true, cancellationToken).ConfigureAwait(false);
        if (latestBase is not null && latest is not null && latest.BaseCrlNumber == latestBase.Number
            && await IsFreshAsync(latest, cancellationToken).ConfigureAwait(false))
        {
            return latest;
        }

        return await CreateDeltaCrlAsync(CaReference.ById(record.Id), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRevocationList> CreateCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var signer = await resolver.ResolveSignerAsync(authority, cancellationToken).ConfigureAwait(false);
        return await CreateAsync(signer, baseCrl: null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRevocationList> CreateDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var signer = await resolver.ResolveSignerAsync(authority, cancellationToken).ConfigureAwait(false);
        var baseCrl = await store.GetLatestCrlAsync(signer.Authority.Id, delta: false, cancellationToken).ConfigureAwait(false)
            ?? await CreateAsync(signer, baseCrl: null, cancellationToken).ConfigureAwait(false);
        return await CreateAsync(signer, baseCrl, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fresh: less than half of its validity gone, and no status change of the CA since it was made.</summary>
    private async ValueTask<bool> IsFreshAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now >= crl.ThisUpdate + ((crl.NextUpdate - crl.ThisUpdate) / 2))
        {
            return false;
        }

        var changes = new RevocationEntryQuery { AuthorityId = crl.AuthorityId, ChangedSince = crl.CreatedAt };
        await foreach (var _ in store.ListEntriesAsync(changes, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return true;
    }

    /// <summary>Creates a full CRL, or a delta CRL against <paramref name="baseCrl"/>; stores and returns it.</summary>
    private async ValueTask<CertificateRevocationList> CreateAsync(AuthorityContext signer, CertificateRevocationList? baseCrl, CancellationToken cancellationToken)
    {
        var settings = Settings;
        string authorityId = signer.Authority.Id;
        long number = await store.NextCrlNumberAsync(authorityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var thisUpdate = Asn1.DerTime.TruncateToSecond(now);
        var nextUpdate = thisUpdate + (baseCrl is null ? settings.CrlValidity : settings.DeltaCrlValidity);

        // The CA's previous full CRL (a delta's base): what it listed is known, so what may leave the list now too.
        var previous = baseCrl ?? await store.GetLatestCrlAsync(authorityId, delta: false, cancellationToken).ConfigureAwait(false);
        var query = new RevocationEntryQuery { AuthorityId = authorityId, ChangedSince = baseCrl?.CreatedAt };
        var entries = new List<CrlEntry>();
        await foreach (var entry in store.ListEntriesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (!settings.KeepExpiredOnCrl && entry.ExpiresOn < thisUpdate
                && (entry.Status == CertificateStatus.Active || ListedAfterExpiry(entry, previous)))
            {
                continue; // an expired certificate's entry, once a CRL issued after it expired has listed it (see below)
            }

            var reason = RevocationStateMachine.Published(entry.Status, entry.Reason);
            if (reason is null && baseCrl is not null && entry.Status == CertificateStatus.Active)
            {
                reason = RevocationReason.RemoveFromCrl; // reactivated since the base CRL (RFC 5280 section 5.3.1)
            }

            if (reason is { } published)
            {
                var revokedAt = published == RevocationReason.RemoveFromCrl ? entry.StatusChangedAt ?? now : entry.RevokedAt ?? entry.StatusChangedAt ?? now;
                entries.Add(new CrlEntry(entry.SerialNumber, revokedAt, published, entry.InvalidityDate));
            }
        }

        var fields = new CrlFields(
            signer.Signature.AlgorithmIdentifier, signer.Name, signer.KeyIdentifier, thisUpdate, nextUpdate, number, baseCrl?.Number,
            signer.Authority.CrlDistributionPoint);
        byte[] tbs = CrlWriter.WriteTbs(fields, entries);
        byte[] signature = await signer.Key.SignAsync(tbs, cancellationToken).ConfigureAwait(false);
        var crl = new CertificateRevocationList
        {
            AuthorityId = authorityId,
            Number = number,
            BaseCrlNumber = baseCrl?.Number,
            ThisUpdate = thisUpdate,
            NextUpdate = nextUpdate,
            CreatedAt = now - ChangeSkew,
            EntryCount = entries.Count,
            Der = CrlWriter.Assemble(tbs, signer.Signature.AlgorithmIdentifier, signature),
        };
        await store.SaveCrlAsync(crl, cancellationToken).ConfigureAwait(false);
        LogCrl(_logger, baseCrl is null ? "full" : "delta", number, authorityId, entries.Count);
        return crl;
    }

    /// <summary>
    /// True when <paramref name="previous"/> — made after the certificate expired, and after its last status change was
    /// stored — already listed the entry, so that it may now leave the CRL: RFC 5280 (sections 3.3 and 5.1.2.6) removes an
    /// entry only after it has appeared on one regularly scheduled CRL issued beyond the certificate's validity. (That CRL
    /// kept the entry by the same rule, since no CRL before it was made after both.) A certificate revoked after it
    /// expired is listed once too, and a delta never drops what changed since its base.
    /// </summary>
    private static bool ListedAfterExpiry(RevocationEntry entry, CertificateRevocationList? previous) =>
        previous is not null
        && entry.ExpiresOn < previous.ThisUpdate
        && (entry.StatusChangedAt ?? entry.RevokedAt) is { } changedAt
        && changedAt < previous.CreatedAt; // CreatedAt is already set back by ChangeSkew: a change stored while it was made is not counted
}
