namespace Pki.Core;

/// <summary>Redeems a request token: the token secret and the end user's own CSR.</summary>
public sealed record RedeemRequestTokenRequest
{
    /// <summary>The token secret (<c>crt_…</c>) the administrator handed over.</summary>
    public required string Secret { get; init; }

    /// <summary>The CSR, in the <c>{ "type": "CSR", "value": PEM }</c> shape.</summary>
    public required CsrInput Csr { get; init; }

    /// <summary>
    /// The CA the redeemer expects the token to be for (for example the one named in the URL it was posted to), or null
    /// for any: by id, or by name (and, when the reference names one, organization). A token of another CA is
    /// <see cref="PkiErrorCode.TokenNotFound"/> and stays unused.
    /// </summary>
    public CaReference? Authority { get; init; }

    /// <summary>Never shows the secret.</summary>
    public override string ToString() => $"RedeemRequestTokenRequest {{ Secret = [redacted], Csr = {Csr}, Authority = {Authority} }}";
}
