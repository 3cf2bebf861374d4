namespace Pki.Core;

/// <summary>
/// Signs a PKCS#10 certificate signing request (RFC 2986) given as PEM or DER. Subject, SANs and public key come
/// from the CSR unless overridden; the CSR's other requested extensions are never copied.
/// </summary>
public sealed record SignCsrRequest : IssuanceRequest
{
    /// <summary>The CSR in PEM (<c>-----BEGIN CERTIFICATE REQUEST-----</c>). Set this or <see cref="CsrDer"/>.</summary>
    public string? CsrPem { get; init; }

    /// <summary>The CSR in DER. Set this or <see cref="CsrPem"/>.</summary>
    public ReadOnlyMemory<byte> CsrDer { get; init; }
}
