namespace Pki.Core;

/// <summary>The names of the built-in certificate profiles.</summary>
public static class CertificateProfiles
{
    /// <summary>TLS server: digitalSignature (+ keyEncipherment for RSA), serverAuth, DNS, IP and URI SANs; the CN becomes a DNS (or IP) SAN when no DNS SAN is given.</summary>
    public const string Server = "server";

    /// <summary>TLS client: digitalSignature, clientAuth, email and URI SANs; a CN that is an email address becomes an email SAN.</summary>
    public const string Client = "client";

    /// <summary>TLS server and client: both EKUs, DNS, IP, email and URI SANs.</summary>
    public const string Dual = "dual";

    /// <summary>A subordinate CA certificate (used for intermediates).</summary>
    public const string CertificateAuthority = "ca";

    /// <summary>A delegated OCSP responder: digitalSignature, id-kp-OCSPSigning, id-pkix-ocsp-nocheck, no SANs, 30 days by default (RFC 6960 section 4.2.2.2).</summary>
    public const string OcspSigning = "ocsp-signing";
}
