namespace Pki.Core;

/// <summary>A private key at rest: PKCS#8 encrypted by the engine before it reaches a store.</summary>
/// <param name="Id">The key id.</param>
/// <param name="Algorithm">The key algorithm.</param>
/// <param name="ProtectedPkcs8">The encrypted PKCS#8 blob; stores never see plaintext key material.</param>
/// <param name="CreatedAt">When the key was stored.</param>
public sealed record StoredPrivateKey(string Id, KeyAlgorithm Algorithm, ReadOnlyMemory<byte> ProtectedPkcs8, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The lookup index of end-entity keys the library generated and keeps for export (CSR generation,
    /// <c>IncludePrivateKey</c> issuance): a SHA-256 over the organization the key is kept for and the DER
    /// SubjectPublicKeyInfo, so that a certificate issued later for the same public key and organization is linked to it.
    /// Stores treat it as opaque bytes. Empty for CA signing keys, which are never found by public key.
    /// </summary>
    public ReadOnlyMemory<byte> SubjectPublicKeySha256 { get; init; }

    /// <summary>Never shows the key bytes.</summary>
    public override string ToString() => $"StoredPrivateKey {{ Id = {Id}, Algorithm = {Algorithm} }}";
}
