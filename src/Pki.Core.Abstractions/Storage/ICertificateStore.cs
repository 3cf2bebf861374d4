namespace Pki.Core;

/// <summary>Persists issued certificates. Thin: business rules live in the engine.</summary>
/// <remarks>Text with U+0000 or an unpaired surrogate, indexed text over <see cref="StoreInputRules.MaximumIndexedLength"/> characters, and undefined enum members, are handled alike by every store: see <see cref="StoreInputRules"/> (writes: <see cref="PkiErrorCode.InvalidRequest"/>; lookups and filters: nothing found).</remarks>
public interface ICertificateStore
{
    /// <summary>Adds a certificate record atomically: either all of it is stored or nothing.</summary>
    /// <remarks>
    /// The record is stored only if its issuing CA (<see cref="CertificateRecord.CertificateAuthority"/>) and each CA above
    /// it (<see cref="AuthorityRecord.ParentId"/>, up to <see cref="CertificateRecordRules.MaximumIssuerChainDepth"/>) that
    /// the provider's <see cref="IAuthorityStore"/> holds are <see cref="AuthorityStatus.Active"/>, checked in the same atomic
    /// step as the insert: once a CA's revocation or hold is stored, no certificate of it is stored after it. A CA the
    /// provider does not hold is not checked. A record with a status history (<see cref="CertificateRecordRules.HasStatusHistory"/>)
    /// takes the CA's next status-change sequence number in the same step, as a change through
    /// <see cref="IRevocationStore.TryChangeStatusAsync"/> would.
    /// </remarks>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Conflict"/> when the id exists (whatever the serial number:
    /// a record added twice is a conflict); <see cref="PkiErrorCode.DuplicateSerialNumber"/> when another certificate of the
    /// CA has this serial number; <see cref="PkiErrorCode.AuthorityUnavailable"/>
    /// when the issuing CA or a CA above it is not active (<see cref="CertificateRecordRules.IssuerNotActive"/>).</exception>
    ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken);

    /// <summary>Gets a certificate by id, or null.</summary>
    ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finds a certificate by CA and serial number, or null.</summary>
    ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken);

    /// <summary>Lists certificates matching <paramref name="query"/>, ordered by id (<see cref="StoreIdOrder"/>), at most <see cref="CertificateQuery.Limit"/>.</summary>
    IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Removes, as one atomic unit, at most <see cref="CertificatePurge.Limit"/> certificates that expired before
    /// <see cref="CertificatePurge.ExpiredBefore"/>, together with the escrowed private keys (a non-empty
    /// <see cref="StoredPrivateKey.EscrowIndex"/>) that only the removed certificates referenced through
    /// <see cref="CertificateRecord.PrivateKeyId"/>. Either the whole batch is removed or nothing is.
    /// </summary>
    /// <remarks>
    /// Never removes a CA certificate (<see cref="CertificateType.CertificateAuthority"/>), a certificate a stored request
    /// token references (<see cref="RequestTokenRecord.CertificateId"/>), or, with <see cref="CertificatePurge.KeepNotActive"/>,
    /// one whose status is not <see cref="CertificateStatus.Active"/>; with <see cref="CertificatePurge.AuthorityId"/> and
    /// <see cref="CertificatePurge.PublishedBy"/>, only what those conditions allow. Never removes a CA key (empty public-key hash) or a
    /// key another certificate still references. A provider's certificate, token and private-key stores must share one
    /// database, so that these checks and the removal are one transaction. Which certificates a batch takes among the
    /// eligible ones is unspecified; repeated calls drain them.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="CertificatePurge.Limit"/> is less than 1.</exception>
    ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken);
}
