using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace Pki.Core.Keys.Export;

/// <summary>
/// Writes EncryptedPrivateKeyInfo (RFC 5958, section 3) with PBES2 (RFC 8018, section 6.2): PBKDF2 with HMAC-SHA256 and
/// AES-256-CBC. Written by hand so that every key type (Ed25519 and ML-DSA too, which .NET cannot hold) is handled alike.
/// </summary>
internal static class EncryptedPkcs8
{
    /// <summary>PBKDF2 iterations for exported keys (and PKCS#12 files).</summary>
    public const int Iterations = 100_000;

    private const string Pbes2 = "1.2.840.113549.1.5.13";
    private const string Pbkdf2 = "1.2.840.113549.1.5.12";
    private const string HmacWithSha256 = "1.2.840.113549.2.9";
    private const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";

    public static byte[] Encrypt(ReadOnlySpan<byte> pkcs8, string password)
    {
        var (algorithm, ciphertext) = Pbes2Encrypt(pkcs8, password);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(algorithm);
            writer.WriteOctetString(ciphertext);
        }

        return writer.Encode();
    }

    /// <summary>Encrypts with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, UTF-8 password); returns the DER AlgorithmIdentifier and the ciphertext.</summary>
    public static (byte[] AlgorithmIdentifier, byte[] Ciphertext) Pbes2Encrypt(ReadOnlySpan<byte> plaintext, string password)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] passwordBytes = Encoding.UTF8.GetBytes(password);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, Iterations, HashAlgorithmName.SHA256, 32);
        byte[] ciphertext;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(passwordBytes);
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Pbes2);
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Pbkdf2);
                    using (writer.PushSequence())
                    {
                        writer.WriteOctetString(salt);
                        writer.WriteInteger(Iterations);
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(HmacWithSha256);
                            writer.WriteNull();
                        }
                    }
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Aes256Cbc);
                    writer.WriteOctetString(iv);
                }
            }
        }

        return (writer.Encode(), ciphertext);
    }
}
