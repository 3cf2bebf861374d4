namespace Pki.Core.Revocation;

/// <summary>
/// The one place every certificate status transition is validated.
/// <code>
/// Active              --revoke(hold)-->   OnHold       (PendingRevocation when asynchronous)
/// Active              --revoke(other)-->  Revoked      (PendingRevocation when asynchronous)
/// OnHold              --revoke(other)-->  Revoked      (already published as held, so also at once when asynchronous)
/// OnHold              --reactivate-->     Active       (PendingReactivation when asynchronous)
/// PendingReactivation --revoke(other)-->  Revoked      (still published as held)
/// PendingRevocation   --publish-->        OnHold or Revoked, by the requested reason
/// PendingReactivation --publish-->        Active
/// Revoked             --anything-->       refused: final
/// </code>
/// </summary>
internal static class RevocationStateMachine
{
    /// <summary>The status after a revocation with <paramref name="reason"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AlreadyRevoked"/>, <see cref="PkiErrorCode.InvalidRequest"/>.</exception>
    public static CertificateStatus Revoke(CertificateStatus current, RevocationReason reason, bool asynchronous)
    {
        EnsureRequestable(reason);
        bool hold = reason == RevocationReason.CertificateHold;
        return current switch
        {
            CertificateStatus.Active => asynchronous ? CertificateStatus.PendingRevocation : Final(reason),
            CertificateStatus.OnHold or CertificateStatus.PendingReactivation when !hold => CertificateStatus.Revoked,
            CertificateStatus.OnHold or CertificateStatus.PendingReactivation =>
                throw new PkiException(PkiErrorCode.AlreadyRevoked, "The certificate is already on hold."),
            CertificateStatus.PendingRevocation =>
                throw new PkiException(PkiErrorCode.AlreadyRevoked, "The certificate's revocation is already pending publication."),
            CertificateStatus.Revoked =>
                throw new PkiException(PkiErrorCode.AlreadyRevoked, "The certificate is already revoked."),
            _ => throw new InvalidOperationException($"Unknown certificate status {current}."),
        };
    }

    /// <summary>The status after a reactivation.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AlreadyRevoked"/>, <see cref="PkiErrorCode.Conflict"/>.</exception>
    public static CertificateStatus Reactivate(CertificateStatus current, bool asynchronous) => current switch
    {
        CertificateStatus.OnHold => asynchronous ? CertificateStatus.PendingReactivation : CertificateStatus.Active,
        CertificateStatus.Revoked => throw new PkiException(PkiErrorCode.AlreadyRevoked,
            "The certificate is revoked for good; only a certificate on hold can be reactivated."),
        CertificateStatus.Active => throw new PkiException(PkiErrorCode.Conflict, "The certificate is active, not on hold."),
        CertificateStatus.PendingReactivation => throw new PkiException(PkiErrorCode.Conflict, "The certificate's reactivation is already pending publication."),
        CertificateStatus.PendingRevocation => throw new PkiException(PkiErrorCode.Conflict,
            "The certificate's revocation is pending publication; only a certificate on hold can be reactivated."),
        _ => throw new InvalidOperationException($"Unknown certificate status {current}."),
    };

    /// <summary>The status a pending one becomes at publication, or null when <paramref name="current"/> is not pending.</summary>
    public static CertificateStatus? Publish(CertificateStatus current, RevocationReason? reason) => current switch
    {
        CertificateStatus.PendingRevocation => Final(reason ?? RevocationReason.Unspecified),
        CertificateStatus.PendingReactivation => CertificateStatus.Active,
        _ => null,
    };

    /// <summary>Whether CRLs and OCSP show the certificate as revoked, and with which reason; null when they show it good.</summary>
    public static RevocationReason? Published(CertificateStatus status, RevocationReason? reason) => status switch
    {
        CertificateStatus.Revoked => reason ?? RevocationReason.Unspecified,
        CertificateStatus.OnHold or CertificateStatus.PendingReactivation => RevocationReason.CertificateHold,
        _ => null,
    };

    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> for value 7, removeFromCRL and undefined values.</exception>
    public static void EnsureRequestable(RevocationReason reason)
    {
        if (!Enum.IsDefined(reason) || reason == RevocationReason.RemoveFromCrl)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"Revocation reason {reason} cannot be requested; removeFromCRL only appears in delta CRLs.");
        }
    }

    private static CertificateStatus Final(RevocationReason reason) =>
        reason == RevocationReason.CertificateHold ? CertificateStatus.OnHold : CertificateStatus.Revoked;
}
