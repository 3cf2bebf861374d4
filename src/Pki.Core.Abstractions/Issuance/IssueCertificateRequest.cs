namespace Pki.Core;

/// <summary>Issues a certificate for a key the library generates (seed "Issue a Certificate").</summary>
public sealed record IssueCertificateRequest : IssuanceRequest
{
    /// <summary>The algorithm of the generated key. Default ECDSA P-256.</summary>
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>The key to generate as a parsed specification; when set it wins over <see cref="KeyAlgorithm"/>.</summary>
    public KeySpecification? Key { get; init; }

    /// <summary>
    /// Keep the generated private key (encrypted in the <see cref="IPrivateKeyStore"/>, linked by
    /// <see cref="CertificateRecord.PrivateKeyId"/>, exportable later through <see cref="IPrivateKeyExporter"/>) and return
    /// it once as PKCS#8 PEM in the result. When false the key is neither kept nor returned: the certificate is issued
    /// and the key is discarded, which only makes sense for tests and demonstrations. Default true.
    /// </summary>
    public bool IncludePrivateKey { get; init; } = true;
}
