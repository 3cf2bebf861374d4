namespace Pki.Core;

/// <summary>Redeems a request token: the token secret and the end user's own CSR.</summary>
public sealed record RedeemRequestTokenRequest
{
    /// <summary>The token secret (<c>crt_…</c>) the administrator handed over.</summary>
    public required string Secret { get; init; }

    /// <summary>The CSR, in the <c>{ "type": "CSR", "value": PEM }</c> shape.</summary>
    public required CsrInput Csr { get; init; }

    /// <summary>Never shows the secret.</summary>
    public override string ToString() => $"RedeemRequestTokenRequest {{ Secret = [redacted], Csr = {Csr} }}";
}
