namespace Pki.Core.Storage.InMemory;

/// <summary>Removal of expired certificates (tidy), under the same lock as every other change.</summary>
internal sealed partial class InMemoryCertificateStore
{
    private readonly ReferenceCounts _keyReferences = new();
    private Func<string, bool> _referencedByToken = static _ => false;

    /// <summary>Called by the token store built over this store: certificates it references are never purged.</summary>
    internal void AttachTokenReferences(Func<string, bool> referencedByToken) => _referencedByToken = referencedByToken;

    public ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        ArgumentOutOfRangeException.ThrowIfLessThan(purge.Limit, 1, nameof(purge));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var removed = _byId.Values.Where(r => IsPurgeable(r, purge)).Take(purge.Limit).ToList();
            foreach (var record in removed)
            {
                Remove(record);
            }

            int keys = removed
                .Select(r => r.PrivateKeyId)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Count(id => !_keyReferences.Contains(id) && _keys?.RemoveEscrowed(id) == true);
            return ValueTask.FromResult(new CertificatePurgeResult(removed.Count, keys));
        }
    }

    private bool IsPurgeable(PackedCertificate record, CertificatePurge purge) =>
        record.ExpiresOn < purge.ExpiredBefore
        && record.Type != CertificateType.CertificateAuthority
        && !(purge.KeepNotActive && record.Status != CertificateStatus.Active)
        && (purge.AuthorityId is null || record.Authority.Id == purge.AuthorityId)
        && (purge.PublishedBy is not { } published || IsPublished(record, EntryOf(record).ChangeSequence, published))
        && !_referencedByToken(record.Id);

    /// <summary><see cref="CertificatePurge.PublishedBy"/>: never revoked or held, or its last change (and, unless active
    /// again, its expiry) reflected in the CRL.</summary>
    private static bool IsPublished(PackedCertificate record, long sequence, CrlCoverage published) =>
        sequence == 0
            ? record.Status == CertificateStatus.Active
            : sequence <= published.ChangesThrough && (record.Status == CertificateStatus.Active || record.ExpiresOn < published.ThisUpdate);
}
