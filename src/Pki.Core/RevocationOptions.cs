namespace Pki.Core;

/// <summary>How revocation is published: CRL and OCSP validity, asynchronous publication, expired entries.</summary>
public sealed class RevocationOptions
{
    /// <summary>nextUpdate − thisUpdate of full CRLs. Default 7 days.</summary>
    public TimeSpan CrlValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>nextUpdate − thisUpdate of delta CRLs. Default 1 day.</summary>
    public TimeSpan DeltaCrlValidity { get; set; } = TimeSpan.FromDays(1);

    /// <summary>nextUpdate − thisUpdate of OCSP single responses. Default 1 hour.</summary>
    public TimeSpan OcspResponseValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a signed OCSP response for a request without a nonce is reused. A status change made through this
    /// process discards it at once; one made by another process sharing the store shows after at most this long.
    /// <see cref="TimeSpan.Zero"/> turns the cache off. Default 1 minute.
    /// </summary>
    public TimeSpan OcspResponseCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When true, revocations and reactivations become <see cref="CertificateStatus.PendingRevocation"/> and
    /// <see cref="CertificateStatus.PendingReactivation"/> and take effect (in CRLs and OCSP) at the next
    /// <see cref="IRevocationService.PublishAsync"/>. Default false: changes take effect at once.
    /// </summary>
    public bool AsynchronousPublication { get; set; }

    /// <summary>
    /// Keep revoked certificates on the CRL after their notAfter (for example for code signing). Default false: an entry
    /// drops off the CRL once the certificate has expired (RFC 5280 section 3.3).
    /// </summary>
    public bool KeepExpiredOnCrl { get; set; }
}
