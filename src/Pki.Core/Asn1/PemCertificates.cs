using System.Security.Cryptography;

namespace Pki.Core.Asn1;

/// <summary>PEM helpers for certificates.</summary>
internal static class PemCertificates
{
    public const string Label = "CERTIFICATE";

    public static string Encode(ReadOnlySpan<byte> der) => Pem.Encode(Label, der);

    /// <summary>Decodes exactly one CERTIFICATE block.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when there is no valid block.</exception>
    public static byte[] DecodeSingle(string pem)
    {
        var blocks = DecodeAll(pem);
        return blocks.Count == 1
            ? blocks[0]
            : throw new PkiException(PkiErrorCode.InvalidRequest, $"Expected one PEM certificate, found {blocks.Count}.");
    }

    /// <summary>Decodes every CERTIFICATE block, ignoring text between them.</summary>
    public static List<byte[]> DecodeAll(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var result = new List<byte[]>();
        ReadOnlySpan<char> rest = pem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual(Label))
            {
                byte[] der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written))
                {
                    throw new PkiException(PkiErrorCode.InvalidRequest, "A PEM certificate has invalid base64.");
                }

                result.Add(der[..written]);
            }

            rest = rest[fields.Location.End..];
        }

        return result;
    }
}
