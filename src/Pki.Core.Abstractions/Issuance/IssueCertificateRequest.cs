namespace Pki.Core;

/// <summary>Issues a certificate for a key the library generates (seed "Issue a Certificate").</summary>
public sealed record IssueCertificateRequest : IssuanceRequest
{
    /// <summary>The algorithm of the generated key. Default ECDSA P-256.</summary>
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>Return the generated private key (PKCS#8 PEM) once in the result. Default true.</summary>
    public bool IncludePrivateKey { get; init; } = true;
}
