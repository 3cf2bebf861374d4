namespace Pki.Core;

/// <summary>
/// The reason a certificate was revoked: the CRLReason values of RFC 5280, section 5.3.1. Value 7 is unused by the RFC
/// and <see cref="RemoveFromCrl"/> only ever appears in delta CRLs, so neither can be requested.
/// </summary>
public enum RevocationReason
{
    /// <summary>No reason given. Written to CRLs without a reasonCode entry extension, as RFC 5280 recommends.</summary>
    Unspecified = 0,

    /// <summary>The certificate's private key is known or suspected to be compromised.</summary>
    KeyCompromise = 1,

    /// <summary>The issuing CA's private key is known or suspected to be compromised.</summary>
    CACompromise = 2,

    /// <summary>The subject's name or other information changed.</summary>
    AffiliationChanged = 3,

    /// <summary>The certificate was replaced.</summary>
    Superseded = 4,

    /// <summary>The certificate is no longer needed.</summary>
    CessationOfOperation = 5,

    /// <summary>The certificate is on hold: revoked for now, reversible with a reactivation.</summary>
    CertificateHold = 6,

    /// <summary>Delta CRLs only: a held certificate was reactivated (or has expired) and leaves the CRL. Not requestable.</summary>
    RemoveFromCrl = 8,

    /// <summary>A privilege granted by the certificate was withdrawn.</summary>
    PrivilegeWithdrawn = 9,

    /// <summary>The attribute authority was compromised (RFC 5755).</summary>
    AACompromise = 10,
}
