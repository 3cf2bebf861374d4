namespace Pki.Core.Issuance.Csr;

/// <summary>A CSR that passed strict parsing, the key policy and signature verification.</summary>
/// <param name="Der">The whole CSR in DER.</param>
/// <param name="Subject">The requested subject.</param>
/// <param name="PublicKey">The requested public key (already checked against the key policy).</param>
/// <param name="RequestedNames">The subjectAltName request from the extensionRequest attribute (validated syntax), or none.</param>
/// <param name="RequestsCertificateAuthority">True when the CSR asked for basicConstraints cA=TRUE (never honoured for end entities).</param>
internal sealed record ParsedCsr(
    ReadOnlyMemory<byte> Der,
    DistinguishedName Subject,
    CsrPublicKey PublicKey,
    SubjectAlternativeNames RequestedNames,
    bool RequestsCertificateAuthority);

/// <summary>A subject public key taken from a CSR.</summary>
/// <param name="Family">The key family: <c>RSA</c>, <c>ECDSA</c>, <c>Ed25519</c> or <c>ML-DSA</c>.</param>
/// <param name="Size">Bits: RSA modulus, EC field size, 256 for Ed25519; for ML-DSA the parameter set (44, 65, 87).</param>
/// <param name="SubjectPublicKeyInfo">The DER SubjectPublicKeyInfo, copied into the certificate as is.</param>
internal sealed record CsrPublicKey(string Family, int Size, ReadOnlyMemory<byte> SubjectPublicKeyInfo);
