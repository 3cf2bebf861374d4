using System.Security.Cryptography;

namespace Pki.Core.Asn1;

/// <summary>RFC 7468 PEM text ending in a newline, written in one allocation (this runs on every issuance).</summary>
internal static class Pem
{
    public static string Encode(string label, ReadOnlySpan<byte> der)
    {
        int length = PemEncoding.GetEncodedSize(label.Length, der.Length) + 1;
        char[]? rented = null;
        Span<char> buffer = length <= 2048 ? stackalloc char[length] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(length));
        try
        {
            PemEncoding.TryWrite(label, der, buffer, out int written);
            buffer[written] = '\n';
            return new string(buffer[..(written + 1)]);
        }
        finally
        {
            // The same helper writes private keys: leave no copy behind in the scratch buffer.
            buffer.Clear();
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
