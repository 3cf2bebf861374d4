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
    /// <c>IncludePrivateKey</c> issuance): 32 opaque bytes the engine derives (a SHA-256) from the organization the key is
    /// kept for, the caller who had it generated and the DER SubjectPublicKeyInfo, so that a certificate issued later for
    /// the same public key, organization and caller is linked to it. It is not the hash of the public key alone: only the
    /// engine computes it. Stores treat it as opaque bytes. Empty for CA signing keys, which are never found this way.
    /// </summary>
    public ReadOnlyMemory<byte> EscrowIndex { get; init; }

    /// <summary>Never shows the key bytes.</summary>
    public override string ToString() => $"StoredPrivateKey {{ Id = {Id}, Algorithm = {Algorithm} }}";
}
