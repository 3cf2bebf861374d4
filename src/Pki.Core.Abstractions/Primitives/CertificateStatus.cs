namespace Pki.Core;

/// <summary>The revocation status of an issued certificate.</summary>
public enum CertificateStatus
{
    /// <summary>Valid and not revoked.</summary>
    Active = 1,

    /// <summary>Revoked with reason certificateHold (RFC 5280, section 5.3.1); can be reactivated.</summary>
    OnHold = 2,

    /// <summary>Revoked for good.</summary>
    Revoked = 3,

    /// <summary>A revocation was requested and becomes effective at the next publication.</summary>
    PendingRevocation = 4,

    /// <summary>A reactivation was requested and becomes effective at the next publication.</summary>
    PendingReactivation = 5,
}
