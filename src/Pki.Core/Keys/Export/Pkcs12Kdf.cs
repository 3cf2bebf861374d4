using System.Security.Cryptography;
using System.Text;

namespace Pki.Core.Keys.Export;

/// <summary>The PKCS#12 key derivation (RFC 7292, appendix B.2) with SHA-256, for the 32-byte MAC key (ID 3) only.</summary>
internal static class Pkcs12Kdf
{
    private const int U = 32; // SHA-256 output
    private const int V = 64; // SHA-256 block

    public static byte[] DeriveMacKey(string password, byte[] salt, int iterations)
    {
        // The password as a BMPString (UTF-16 big-endian) with a two-byte NUL terminator.
        byte[] passwordBytes = [.. Encoding.BigEndianUnicode.GetBytes(password), 0, 0];
        byte[] input = new byte[V + Fill(salt.Length) + Fill(passwordBytes.Length)];
        try
        {
            input.AsSpan(0, V).Fill(3);
            Repeat(salt, input.AsSpan(V, Fill(salt.Length)));
            Repeat(passwordBytes, input.AsSpan(V + Fill(salt.Length)));
            byte[] a = SHA256.HashData(input);
            for (int i = 1; i < iterations; i++)
            {
                SHA256.HashData(a, a);
            }

            return a[..U];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static int Fill(int length) => length == 0 ? 0 : V * ((length + V - 1) / V);

    private static void Repeat(byte[] source, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = source[i % source.Length];
        }
    }
}
