namespace Pki.Core;

/// <summary>
/// Revokes, holds and reactivates issued certificates, and publishes their status as CRLs (full and delta, RFC 5280
/// section 5) and OCSP responses (RFC 6960). Every status transition is validated in one state machine.
/// </summary>
public interface IRevocationService
{
    /// <summary>
    /// Revokes a certificate, or puts it on hold with <see cref="RevocationReason.CertificateHold"/>. Expired certificates
    /// may be revoked. Revoking a CA certificate also marks the CA revoked, so it issues nothing more.
    /// With <c>PkiOptions.Revocation.AsynchronousPublication</c> an active certificate becomes
    /// <see cref="CertificateStatus.PendingRevocation"/> until <see cref="PublishAsync"/>.
    /// </summary>
    /// <returns>The updated record.</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>, <see cref="PkiErrorCode.AuthorityNotFound"/>;
    /// <see cref="PkiErrorCode.AlreadyRevoked"/> (HTTP 409) when it is already revoked, on hold (for a hold) or pending revocation;
    /// <see cref="PkiErrorCode.InvalidRequest"/> for an undefined or unrequestable reason (<see cref="RevocationReason.RemoveFromCrl"/>),
    /// an invalidity date in the future or a comment over 1000 characters;
    /// <see cref="PkiErrorCode.ConcurrencyConflict"/> when concurrent changes kept winning.</exception>
    ValueTask<CertificateRecord> RevokeAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Returns a certificate on hold to active (or <see cref="CertificateStatus.PendingReactivation"/> with asynchronous publication).</summary>
    /// <returns>The updated record.</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>;
    /// <see cref="PkiErrorCode.AlreadyRevoked"/> when it was revoked for good (any reason but certificateHold can never be undone);
    /// <see cref="PkiErrorCode.Conflict"/> when it is active or already pending;
    /// <see cref="PkiErrorCode.ConcurrencyConflict"/> when concurrent changes kept winning.</exception>
    ValueTask<CertificateRecord> ReactivateAsync(CertificateReference certificate, CancellationToken cancellationToken = default);

    /// <summary>The certificate's record, with its status and revocation details.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>, <see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<CertificateRecord> GetStatusAsync(CertificateReference certificate, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the CA's pending changes effective (pending revocations become revoked or on hold, pending reactivations
    /// active) and publishes a new full CRL.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<CertificateRevocationList> PublishAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>
    /// The CA's current full CRL: the last one created while it is still fresh (no status change since, and less than
    /// half of its validity gone), otherwise a new one.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<CertificateRevocationList> GetCrlAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>
    /// The CA's current delta CRL: the last one created while it is still fresh (made against the CA's latest full CRL,
    /// no status change since, and less than half of its validity gone), otherwise a new one, as
    /// <see cref="CreateDeltaCrlAsync"/> makes. For a host that serves a delta CRL URL: a request signs nothing new while
    /// the last delta still says everything.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<CertificateRevocationList> GetDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>Creates, stores and returns a new full CRL with the next CRL number. A revoked or expired CA still signs CRLs.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<CertificateRevocationList> CreateCrlAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a delta CRL (RFC 5280, section 5.2.4) against the CA's latest full CRL: certificates revoked or held since
    /// then, and reactivated ones with reason <see cref="RevocationReason.RemoveFromCrl"/>. Creates a full CRL first when
    /// the CA has none.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    ValueTask<CertificateRevocationList> CreateDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers a DER OCSPRequest (RFC 6960) with a DER OCSPResponse. Never throws for bad input: malformed or oversized
    /// requests get <c>malformedRequest</c>; a request naming no CA the library holds gets <c>unauthorized</c>.
    /// </summary>
    /// <remarks>Request signatures are not checked. Serial numbers the CA never issued are answered <c>unknown</c>. The
    /// same as <see cref="AnswerAsync"/>'s <see cref="OcspResponse.Der"/>, in an array of the caller's own.</remarks>
    ValueTask<byte[]> RespondAsync(ReadOnlyMemory<byte> ocspRequestDer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers a DER OCSPRequest as <see cref="RespondAsync"/> does, with what an HTTP host needs to serve the answer: its
    /// status, its thisUpdate and nextUpdate, and whether it echoes a nonce — for the caching headers of RFC 5019
    /// section 6.2 on <c>GET</c> (see <see cref="OcspResponse.IsCacheable"/>). Never throws for bad input.
    /// </summary>
    ValueTask<OcspResponse> AnswerAsync(ReadOnlyMemory<byte> ocspRequestDer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Issues a delegated OCSP signing certificate (id-kp-OCSPSigning, ocsp-nocheck; RFC 6960 section 4.2.2.2) from the CA
    /// with a new key, and makes it the CA's responder: from now on its OCSP responses are signed by that key and carry
    /// the certificate, until it expires.
    /// </summary>
    /// <param name="authority">The CA.</param>
    /// <param name="validityDays">Validity in days: by default the <c>ocsp-signing</c> profile's default (30 days unless
    /// configured), at most its maximum (365 unless configured).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The issued responder certificate (without its private key, which the library keeps).</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>,
    /// <see cref="PkiErrorCode.PolicyViolation"/> (a validity over the profile's maximum or past the CA's), <see cref="PkiErrorCode.InvalidRequest"/>
    /// (a validity under one day).</exception>
    ValueTask<IssuedCertificate> IssueOcspSigningCertificateAsync(CaReference authority, int? validityDays = null, CancellationToken cancellationToken = default);
}
