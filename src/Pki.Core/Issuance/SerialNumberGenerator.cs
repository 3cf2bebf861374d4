using System.Security.Cryptography;

namespace Pki.Core.Issuance;

/// <summary>
/// Serial numbers from the operating system's CSPRNG: 128 random bits, encoded as a positive, minimal DER INTEGER of at
/// most 17 octets (RFC 5280 section 4.1.2.2 allows 20; CA/Browser Forum baseline asks for at least 64 random bits).
/// </summary>
internal static class SerialNumberGenerator
{
    public const int RandomBytes = 16;

    public static SerialNumber Next()
    {
        Span<byte> buffer = stackalloc byte[RandomBytes + 1];
        while (true)
        {
            buffer[0] = 0;
            RandomNumberGenerator.Fill(buffer[1..]);
            int start = 0;
            while (start < RandomBytes && buffer[start] == 0 && buffer[start + 1] < 0x80)
            {
                start++;
            }

            if (SerialNumber.IsValid(buffer[start..]))
            {
                return SerialNumber.FromBytes(buffer[start..]);
            }
        }
    }
}
