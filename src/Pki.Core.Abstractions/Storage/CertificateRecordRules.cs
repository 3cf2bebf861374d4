namespace Pki.Core;

/// <summary>For <see cref="ICertificateStore"/> implementations: the checks a record passes before it is stored.</summary>
public static class CertificateRecordRules
{
    /// <summary>
    /// How many CAs a store checks, from a certificate's issuing CA upwards, before it stores the certificate (see
    /// <see cref="ICertificateStore.AddAsync"/>): a longer chain, or a cycle of parent ids, is not followed further.
    /// </summary>
    public const int MaximumIssuerChainDepth = 16;

    /// <summary>The refusal of a certificate whose issuing CA, or a CA above it, is not active (revoked or on hold).</summary>
    /// <param name="authorityId">The certificate's issuing CA.</param>
    /// <param name="inactiveAuthorityId">The CA found not active (the issuing CA or one above it).</param>
    public static PkiException IssuerNotActive(string authorityId, string inactiveAuthorityId) =>
        new(PkiErrorCode.AuthorityUnavailable, string.Equals(authorityId, inactiveAuthorityId, StringComparison.Ordinal)
            ? $"CA '{authorityId}' is not active (revoked or on hold): it gains no certificates."
            : $"CA '{authorityId}' is below CA '{inactiveAuthorityId}', which is not active (revoked or on hold): it gains no certificates.");

    /// <summary>
    /// True for a record added with a status history — not active, or <see cref="CertificateRecord.StatusChangedAt"/> set
    /// (an import): <see cref="ICertificateStore.AddAsync"/> gives it the CA's next status-change sequence number, as
    /// <see cref="IRevocationStore.TryChangeStatusAsync"/> does for a change, so that the next delta CRL lists it.
    /// </summary>
    public static bool HasStatusHistory(CertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Status != CertificateStatus.Active || record.StatusChangedAt is not null;
    }

    /// <summary>
    /// Throws when a member the record's contract requires is null anyway (a record built with <c>null!</c>, or
    /// deserialized from elsewhere), so that a store refuses it with a documented exception instead of failing half-way
    /// with a <see cref="NullReferenceException"/> or a database constraint error.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentException">A required member (a string, the CA summary or its id or name, the subject,
    /// the subject alternative names) is null; the message names it.</exception>
    public static void ThrowIfIncomplete(CertificateRecord record, string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(record, paramName);
        string? missing =
            record.Id is null ? nameof(CertificateRecord.Id)
            : record.CertificatePem is null ? nameof(CertificateRecord.CertificatePem)
            : record.CertificateAuthority is null ? nameof(CertificateRecord.CertificateAuthority)
            : record.CertificateAuthority.Id is null ? nameof(CertificateRecord.CertificateAuthority) + "." + nameof(AuthoritySummary.Id)
            : record.CertificateAuthority.Name is null ? nameof(CertificateRecord.CertificateAuthority) + "." + nameof(AuthoritySummary.Name)
            : record.Subject is null ? nameof(CertificateRecord.Subject)
            : record.SubjectAlternativeNames is null ? nameof(CertificateRecord.SubjectAlternativeNames)
            : record.FingerprintSha256 is null ? nameof(CertificateRecord.FingerprintSha256)
            : record.SubjectKeyIdentifier is null ? nameof(CertificateRecord.SubjectKeyIdentifier)
            : record.SignatureAlgorithm is null ? nameof(CertificateRecord.SignatureAlgorithm)
            : record.Profile is null ? nameof(CertificateRecord.Profile)
            : record.PublicKeyAlgorithm is null ? nameof(CertificateRecord.PublicKeyAlgorithm)
            : null;
        if (missing is not null)
        {
            throw new ArgumentException($"The certificate record's {missing} is required and is null.", paramName ?? nameof(record));
        }
    }
}
