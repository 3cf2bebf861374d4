using System.Security.Cryptography;

namespace Pki.Core.Issuance.Csr;

/// <summary>Extracts the one PKCS#10 block from PEM text (RFC 7468, section 7).</summary>
/// <remarks>
/// Text before and after the block is ignored (OpenSSL's <c>-text</c> dumps put a description first). Labels
/// <c>CERTIFICATE REQUEST</c> and the legacy <c>NEW CERTIFICATE REQUEST</c> are accepted; blocks with other labels
/// are ignored; a second CSR block is rejected so that the caller cannot be confused about which one was signed.
/// Base64 is decoded the way <see cref="PemEncoding"/> reads it: whitespace, including line breaks, may appear
/// anywhere in the body, so irregular line wrapping (RFC 7468's "lax" parsing) is accepted, while an invalid
/// character or bad padding is not. (The corpus file <c>cfssl-api-broken_csr-irregular-pem-wrap.pem</c> is therefore
/// rejected with <see cref="PkiErrorCode.InvalidCsr"/>: its short line ends in <c>=BROKEN==</c>, which is not base64.)
/// </remarks>
internal static class CsrPem
{
    private const string Label = "CERTIFICATE REQUEST";
    private const string LegacyLabel = "NEW CERTIFICATE REQUEST";

    /// <summary>Returns the DER bytes of the only CSR block in <paramref name="pem"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidCsr"/> when there is not exactly one well-formed CSR block.</exception>
    public static byte[] Decode(string pem)
    {
        int blocks = CountOccurrences(pem, "-----BEGIN " + Label + "-----")
            + CountOccurrences(pem, "-----BEGIN " + LegacyLabel + "-----");
        if (blocks == 0)
        {
            throw Invalid("The text contains no PEM block labelled CERTIFICATE REQUEST.");
        }

        if (blocks > 1)
        {
            throw Invalid("The text contains more than one PEM block labelled CERTIFICATE REQUEST.");
        }

        ReadOnlySpan<char> rest = pem;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            ReadOnlySpan<char> label = rest[fields.Label];
            if (label.SequenceEqual(Label) || label.SequenceEqual(LegacyLabel))
            {
                byte[] der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written) || written != der.Length)
                {
                    throw Invalid("The PEM block's base64 body is broken.");
                }

                return der;
            }

            rest = rest[fields.Location.End..];
        }

        throw Invalid("The CERTIFICATE REQUEST PEM block is malformed (bad base64, padding or missing END line).");
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        int index = 0;
        while ((index = text.IndexOf(value, index, StringComparison.Ordinal)) >= 0)
        {
            count++;
            index += value.Length;
        }

        return count;
    }

    private static PkiException Invalid(string message) => new(PkiErrorCode.InvalidCsr, message);
}
