namespace Pki.Core;

/// <summary>
/// A newly created request token: its record and its secret. The secret is shown this once; only its SHA-256 hash is
/// stored, so it cannot be recovered later.
/// </summary>
public sealed record CreatedRequestToken
{
    /// <summary>The stored token.</summary>
    public required RequestTokenRecord Token { get; init; }

    /// <summary>The token secret (<c>crt_</c> followed by 43 base64url characters). Hand it to the end user over a secure channel.</summary>
    public required string Secret { get; init; }

    /// <summary>Never shows the secret.</summary>
    public override string ToString() => $"CreatedRequestToken {{ Token = {Token}, Secret = [redacted] }}";
}
