using System.Security.Cryptography.X509Certificates;

namespace Pki.Core;

/// <summary>The result of an issuance: the stored record, the certificate in PEM and DER, the issuing chain, and — only
/// when the library generated the key and was asked to — the private key, shown this once.</summary>
public sealed record IssuedCertificate
{
    /// <summary>The stored record.</summary>
    public required CertificateRecord Record { get; init; }

    /// <summary>The certificate in DER.</summary>
    public required ReadOnlyMemory<byte> CertificateDer { get; init; }

    /// <summary>The certificate in PEM.</summary>
    public string CertificatePem => Record.CertificatePem;

    /// <summary>The issuing chain in PEM, from the issuing CA up to and including the root.</summary>
    public required string ChainPem { get; init; }

    /// <summary>The generated private key as unencrypted PKCS#8 PEM, or null. Treat it as a secret.</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>Loads the certificate as an <see cref="X509Certificate2"/> (without the private key).</summary>
    public X509Certificate2 ToX509Certificate2() => X509CertificateLoader.LoadCertificate(CertificateDer.Span);

    /// <summary>Loads the certificate together with the generated private key, ready for TLS.</summary>
    /// <exception cref="InvalidOperationException">No private key was returned, or its algorithm has no .NET type (Ed25519).</exception>
    public X509Certificate2 ToX509Certificate2WithPrivateKey()
    {
        if (PrivateKeyPem is null)
        {
            throw new InvalidOperationException("This result carries no private key.");
        }

        if (Record.PublicKeyAlgorithm is not ("RSA" or "ECDSA"))
        {
            throw new InvalidOperationException($".NET cannot hold a {Record.PublicKeyAlgorithm} private key; use PrivateKeyPem.");
        }

        return X509Certificate2.CreateFromPem(CertificatePem, PrivateKeyPem);
    }

    /// <summary>The certificate followed by the chain, in PEM: what a TLS server presents.</summary>
    public string FullChainPem => CertificatePem + ChainPem;

    /// <summary>Never shows the private key.</summary>
    public override string ToString() =>
        $"IssuedCertificate {{ Id = {Record.Id}, Subject = {Record.Subject}, Serial = {Record.SerialNumberHex}, PrivateKey = {(PrivateKeyPem is null ? "none" : "[redacted]")} }}";
}
