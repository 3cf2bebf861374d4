namespace Pki.Core;

/// <summary>A request token as a store holds it: the record and the SHA-256 hash of its secret.</summary>
/// <param name="Token">The token record.</param>
/// <param name="SecretHash">SHA-256 of the secret's ASCII bytes (32 bytes). Stores index it; they never see the secret.</param>
public sealed record StoredRequestToken(RequestTokenRecord Token, ReadOnlyMemory<byte> SecretHash)
{
    /// <summary>Never shows the hash.</summary>
    public override string ToString() => $"StoredRequestToken {{ Token = {Token} }}";
}
