namespace Pki.Core;

/// <summary>Revokes a certificate, or puts it on hold with <see cref="RevocationReason.CertificateHold"/>.</summary>
public sealed record RevokeCertificateRequest
{
    /// <summary>The certificate, by id or by CA and serial number.</summary>
    public required CertificateReference Certificate { get; init; }

    /// <summary>The reason (RFC 5280, section 5.3.1). Default <see cref="RevocationReason.Unspecified"/>.</summary>
    public RevocationReason Reason { get; init; } = RevocationReason.Unspecified;

    /// <summary>When the key is known or suspected to have been compromised (the invalidityDate entry extension, RFC 5280 section 5.3.2); must not be in the future.</summary>
    public DateTimeOffset? InvalidityDate { get; init; }

    /// <summary>A free-text note kept on the record (at most 1000 characters); never published.</summary>
    public string? Comment { get; init; }
}
