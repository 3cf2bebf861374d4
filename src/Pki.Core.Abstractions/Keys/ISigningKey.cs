namespace Pki.Core;

/// <summary>
/// A CA signing key. The software implementation holds the key in memory; a hardware or cloud key implements the same
/// contract, so the issuance pipeline never touches key material.
/// </summary>
public interface ISigningKey
{
    /// <summary>The key algorithm; it fixes the signature algorithm (ECDSA with SHA-256/384/512 by curve, RSA PKCS#1 v1.5 with SHA-256, Ed25519).</summary>
    KeyAlgorithm Algorithm { get; }

    /// <summary>The DER SubjectPublicKeyInfo of the key.</summary>
    ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>Signs <paramref name="data"/>, returning the signature as X.509 carries it (a DER ECDSA-Sig-Value for ECDSA).</summary>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
