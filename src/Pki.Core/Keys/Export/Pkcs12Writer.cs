using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core.Keys.Export;

/// <summary>
/// Writes a PKCS#12 file (RFC 7292) holding the key, the certificate and its chain, with PBES2 / AES-256-CBC /
/// PBKDF2-HMAC-SHA256 for the key and certificate bags and an HMAC-SHA256 MAC. RSA and ECDSA go through .NET; other key
/// types (Ed25519, which .NET cannot hold) through <see cref="WriteManually"/>, which writes the same structure by hand.
/// </summary>
internal static class Pkcs12Writer
{
    private const string Data = "1.2.840.113549.1.7.1";
    private const string EncryptedData = "1.2.840.113549.1.7.6";
    private const string ShroudedKeyBag = "1.2.840.113549.1.12.10.1.2";
    private const string CertBag = "1.2.840.113549.1.12.10.1.3";
    private const string X509Certificate = "1.2.840.113549.1.9.22.1";
    private const string LocalKeyId = "1.2.840.113549.1.9.21";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Implicit0 = new(TagClass.ContextSpecific, 0);

    public static byte[] Write(KeyAlgorithm algorithm, ReadOnlySpan<byte> pkcs8, byte[] certificateDer, IReadOnlyList<byte[]> chainDer, string password) =>
        KeyAlgorithmFacts.IsEcdsa(algorithm) || KeyAlgorithmFacts.IsRsa(algorithm)
            ? WriteWithDotNet(algorithm, pkcs8, certificateDer, chainDer, password)
            : WriteManually(pkcs8, certificateDer, chainDer, password);

    private static byte[] WriteWithDotNet(KeyAlgorithm algorithm, ReadOnlySpan<byte> pkcs8, byte[] certificateDer, IReadOnlyList<byte[]> chainDer, string password)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
            if (KeyAlgorithmFacts.IsEcdsa(algorithm))
            {
                using var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(pkcs8, out _);
                collection.Add(certificate.CopyWithPrivateKey(key));
            }
            else
            {
                using var key = RSA.Create();
                key.ImportPkcs8PrivateKey(pkcs8, out _);
                collection.Add(certificate.CopyWithPrivateKey(key));
            }

            foreach (byte[] der in chainDer)
            {
                collection.Add(X509CertificateLoader.LoadCertificate(der));
            }

            return collection.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, EncryptedPkcs8.Iterations), password);
        }
        finally
        {
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// PFX { version 3, authSafe data { encryptedData { certificate bags }, data { shrouded key bag } }, macData }, with the
    /// leaf certificate and the key sharing a localKeyId (SHA-256 of the certificate).
    /// </summary>
    internal static byte[] WriteManually(ReadOnlySpan<byte> pkcs8, byte[] certificateDer, IReadOnlyList<byte[]> chainDer, string password)
    {
        byte[] localKeyId = SHA256.HashData(certificateDer);
        var writer = new AsnWriter(AsnEncodingRules.DER);

        // SafeContents of certificate bags, then encrypted as a whole.
        using (writer.PushSequence())
        {
            WriteCertificateBag(writer, certificateDer, localKeyId);
            foreach (byte[] der in chainDer)
            {
                WriteCertificateBag(writer, der, null);
            }
        }

        var (certificateAlgorithm, certificateCiphertext) = EncryptedPkcs8.Pbes2Encrypt(writer.Encode(), password);
        writer.Reset();

        // SafeContents with the shrouded key bag.
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(ShroudedKeyBag);
            using (writer.PushSequence(Explicit0))
            {
                writer.WriteEncodedValue(EncryptedPkcs8.Encrypt(pkcs8, password));
            }

            WriteLocalKeyId(writer, localKeyId);
        }

        byte[] keyContents = writer.Encode();
        writer.Reset();

        // AuthenticatedSafe ::= SEQUENCE OF ContentInfo
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(EncryptedData);
                using (writer.PushSequence(Explicit0))
                using (writer.PushSequence())
                {
                    writer.WriteInteger(0);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Data);
                        writer.WriteEncodedValue(certificateAlgorithm);
                        writer.WriteOctetString(certificateCiphertext, Implicit0);
                    }
                }
            }

            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Data);
                using (writer.PushSequence(Explicit0))
                {
                    writer.WriteOctetString(keyContents);
                }
            }
        }

        byte[] authenticatedSafe = writer.Encode();
        writer.Reset();
        byte[] macSalt = RandomNumberGenerator.GetBytes(16);
        byte[] macKey = Pkcs12Kdf.DeriveMacKey(password, macSalt, EncryptedPkcs8.Iterations);
        byte[] mac = HMACSHA256.HashData(macKey, authenticatedSafe);
        CryptographicOperations.ZeroMemory(macKey);

        using (writer.PushSequence())
        {
            writer.WriteInteger(3);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Data);
                using (writer.PushSequence(Explicit0))
                {
                    writer.WriteOctetString(authenticatedSafe);
                }
            }

            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Sha256);
                        writer.WriteNull();
                    }

                    writer.WriteOctetString(mac);
                }

                writer.WriteOctetString(macSalt);
                writer.WriteInteger(EncryptedPkcs8.Iterations);
            }
        }

        return writer.Encode();
    }

    private static void WriteCertificateBag(AsnWriter writer, byte[] der, byte[]? localKeyId)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(CertBag);
            using (writer.PushSequence(Explicit0))
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(X509Certificate);
                using (writer.PushSequence(Explicit0))
                {
                    writer.WriteOctetString(der);
                }
            }

            if (localKeyId is not null)
            {
                WriteLocalKeyId(writer, localKeyId);
            }
        }
    }

    private static void WriteLocalKeyId(AsnWriter writer, byte[] localKeyId)
    {
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(LocalKeyId);
            using (writer.PushSetOf())
            {
                writer.WriteOctetString(localKeyId);
            }
        }
    }
}
