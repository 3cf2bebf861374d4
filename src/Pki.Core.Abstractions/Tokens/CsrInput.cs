namespace Pki.Core;

/// <summary>
/// A CSR as the redemption API receives it: <c>{ "type": "CSR", "value": "-----BEGIN CERTIFICATE REQUEST-----…" }</c>.
/// </summary>
/// <param name="Type">The input type; only <see cref="CsrType"/> is accepted.</param>
/// <param name="Value">The PKCS#10 request (RFC 2986) in PEM.</param>
public sealed record CsrInput(string Type, string Value)
{
    /// <summary>The one accepted <see cref="Type"/>: <c>CSR</c>.</summary>
    public const string CsrType = "CSR";

    /// <summary>A CSR input of type <c>CSR</c> holding <paramref name="pem"/>.</summary>
    public static CsrInput FromPem(string pem) => new(CsrType, pem);

    /// <summary>Shows the type and the length only, not the PEM.</summary>
    public override string ToString() => $"CsrInput {{ Type = {Type}, Length = {Value?.Length ?? 0} }}";
}
