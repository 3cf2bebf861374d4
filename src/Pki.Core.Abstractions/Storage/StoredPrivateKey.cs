namespace Pki.Core;

/// <summary>A private key at rest: PKCS#8 encrypted by the engine before it reaches a store.</summary>
/// <param name="Id">The key id.</param>
/// <param name="Algorithm">The key algorithm.</param>
/// <param name="ProtectedPkcs8">The encrypted PKCS#8 blob; stores never see plaintext key material.</param>
/// <param name="CreatedAt">When the key was stored.</param>
public sealed record StoredPrivateKey(string Id, KeyAlgorithm Algorithm, ReadOnlyMemory<byte> ProtectedPkcs8, DateTimeOffset CreatedAt)
{
    /// <summary>Never shows the key bytes.</summary>
    public override string ToString() => $"StoredPrivateKey {{ Id = {Id}, Algorithm = {Algorithm} }}";
}
