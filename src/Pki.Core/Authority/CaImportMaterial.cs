using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;
using Pki.Core.Asn1;

namespace Pki.Core.Authority;

/// <summary>
/// Turns hostile import input (PEM certificate + PEM key, or PKCS#12) into a certificate and an unencrypted PKCS#8 key.
/// Every parsing failure becomes <see cref="PkiErrorCode.InvalidKey"/>; nothing from BouncyCastle escapes.
/// </summary>
internal static class CaImportMaterial
{
    private const int MaxInputSize = 1024 * 1024;

    /// <summary>
    /// The most password-based key-derivation iterations an import runs (PBKDF2 or the PKCS#12 KDF, per encryption and
    /// for the PKCS#12 MAC): an encrypted key sets its own count, and the derivation runs synchronously, so an unbounded
    /// count is hours of CPU per request. Common tools use 2,048 (OpenSSL) to 600,000 (OWASP's PBKDF2-SHA256 advice).
    /// </summary>
    internal const int MaximumKeyDerivationIterations = 10_000_000;

    public static (byte[] CertificateDer, byte[] Pkcs8) Read(ImportAuthorityRequest request)
    {
        bool hasPem = request.CertificatePem is not null || request.PrivateKeyPem is not null;
        bool hasPkcs12 = !request.Pkcs12.IsEmpty;
        if (hasPem == hasPkcs12)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "Give either a PEM certificate and key, or a PKCS#12 file.");
        }

        if ((request.CertificatePem?.Length ?? 0) + (request.PrivateKeyPem?.Length ?? 0) + request.Pkcs12.Length > MaxInputSize)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, "Import input is limited to 1 MiB.");
        }

        try
        {
            return hasPkcs12 ? ReadPkcs12(request.Pkcs12, request.Password) : ReadPem(request);
        }
        catch (PkiException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The boundary to BouncyCastle and the PEM/ASN.1 readers: whatever they throw means the input is malformed.
            throw new PkiException(PkiErrorCode.InvalidKey, "The certificate or private key could not be read: it is malformed or the password is wrong.", ex);
        }
    }

    private static (byte[], byte[]) ReadPem(ImportAuthorityRequest request)
    {
        if (request.CertificatePem is null || request.PrivateKeyPem is null)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A PEM import needs both the certificate and the private key.");
        }

        var certificates = PemCertificates.DecodeAll(request.CertificatePem);
        if (certificates.Count == 0)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "No PEM certificate found.");
        }

        return (certificates[0], ReadPemKey(request.PrivateKeyPem, request.Password));
    }

    private static byte[] ReadPemKey(string pem, string? password)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "No PEM private key found.");
        }

        string label = pem[fields.Label];
        byte[] der = Convert.FromBase64String(pem[fields.Base64Data]);
        switch (label)
        {
            case "PRIVATE KEY":
                return der;
            case "ENCRYPTED PRIVATE KEY":
                if (password is null)
                {
                    throw new PkiException(PkiErrorCode.InvalidKey, "The private key is encrypted; give its password.");
                }

                var encrypted = EncryptedPrivateKeyInfo.GetInstance(der);
                CheckIterations(encrypted.EncryptionAlgorithm);
                return PrivateKeyInfoFactory.CreatePrivateKeyInfo(password.ToCharArray(), encrypted).GetDerEncoded();
            case "EC PRIVATE KEY":
                using (var ecdsa = ECDsa.Create())
                {
                    ecdsa.ImportECPrivateKey(der, out _);
                    return ecdsa.ExportPkcs8PrivateKey();
                }

            case "RSA PRIVATE KEY":
                using (var rsa = RSA.Create())
                {
                    rsa.ImportRSAPrivateKey(der, out _);
                    return rsa.ExportPkcs8PrivateKey();
                }

            default:
                throw new PkiException(PkiErrorCode.InvalidKey, $"PEM label '{label}' is not a supported private key.");
        }
    }

    private static (byte[], byte[]) ReadPkcs12(ReadOnlyMemory<byte> pkcs12, string? password)
    {
        CheckPkcs12Iterations(pkcs12.ToArray());
        var store = new Pkcs12StoreBuilder().Build();
        using (var stream = new MemoryStream(pkcs12.ToArray(), writable: false))
        {
            store.Load(stream, (password ?? string.Empty).ToCharArray());
        }

        foreach (string alias in store.Aliases)
        {
            if (store.IsKeyEntry(alias))
            {
                var key = store.GetKey(alias).Key;
                var certificate = store.GetCertificate(alias)
                    ?? throw new PkiException(PkiErrorCode.InvalidKey, "The PKCS#12 key has no certificate.");
                return (certificate.Certificate.GetEncoded(), PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetDerEncoded());
            }
        }

        throw new PkiException(PkiErrorCode.InvalidKey, "The PKCS#12 file holds no private key.");
    }

    /// <summary>Checks that the certificate is a CA (RFC 5280 section 4.2.1.9: cA TRUE; keyCertSign when keyUsage is present).</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.NotACertificateAuthority"/>; <see cref="PkiErrorCode.InvalidKey"/> when
    /// basicConstraints or keyUsage is malformed.</exception>
    public static void RequireCertificateAuthority(X509Certificate2 certificate)
    {
        bool certificateAuthority, keyCertSign;
        try
        {
            var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            certificateAuthority = basic is not null && basic.CertificateAuthority;
            var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
            keyCertSign = usage is null || usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The CA certificate's basicConstraints or keyUsage extension is malformed.", ex);
        }

        if (!certificateAuthority)
        {
            throw new PkiException(PkiErrorCode.NotACertificateAuthority, "The certificate is not a CA certificate (basicConstraints cA is not TRUE).");
        }

        if (!keyCertSign)
        {
            throw new PkiException(PkiErrorCode.NotACertificateAuthority, "The CA certificate's keyUsage does not include keyCertSign.");
        }
    }

    /// <summary>The iteration counts a PKCS#12 file shows before anything is decrypted: its MAC, each encrypted content,
    /// each shrouded key bag in plain content.</summary>
    private static void CheckPkcs12Iterations(byte[] der)
    {
        var pfx = Pfx.GetInstance(der);
        if (pfx.MacData is { } mac)
        {
            CheckCount(mac.IterationCount);
        }

        var contents = AuthenticatedSafe.GetInstance(Asn1OctetString.GetInstance(pfx.AuthSafe.Content).GetOctets());
        foreach (var content in contents.GetContentInfo())
        {
            if (content.ContentType.Equals(PkcsObjectIdentifiers.EncryptedData))
            {
                CheckIterations(EncryptedData.GetInstance(content.Content).EncryptionAlgorithm);
            }
            else if (content.ContentType.Equals(PkcsObjectIdentifiers.Data))
            {
                foreach (var element in Asn1Sequence.GetInstance(Asn1OctetString.GetInstance(content.Content).GetOctets()))
                {
                    var bag = SafeBag.GetInstance(element);
                    if (bag.BagID.Equals(PkcsObjectIdentifiers.Pkcs8ShroudedKeyBag))
                    {
                        CheckIterations(EncryptedPrivateKeyInfo.GetInstance(bag.BagValue).EncryptionAlgorithm);
                    }
                }
            }
        }
    }

    /// <summary>The iteration count of a password-based encryption (PBES2 with PBKDF2, PKCS#12 PBE or PKCS#5 PBES1).</summary>
    private static void CheckIterations(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdPbeS2))
        {
            var derivation = PbeS2Parameters.GetInstance(algorithm.Parameters).KeyDerivationFunc;
            if (derivation.Algorithm.Equals(PkcsObjectIdentifiers.IdPbkdf2))
            {
                CheckCount(Pbkdf2Params.GetInstance(derivation.Parameters).IterationCount);
            }
        }
        else if (algorithm.Algorithm.Id.StartsWith("1.2.840.113549.1.12.1.", StringComparison.Ordinal))
        {
            CheckCount(Pkcs12PbeParams.GetInstance(algorithm.Parameters).Iterations);
        }
        else if (algorithm.Algorithm.Id.StartsWith("1.2.840.113549.1.5.", StringComparison.Ordinal))
        {
            CheckCount(PbeParameter.GetInstance(algorithm.Parameters).IterationCount);
        }
    }

    private static void CheckCount(Org.BouncyCastle.Math.BigInteger iterations)
    {
        if (iterations.BitLength > 31 || iterations.IntValue > MaximumKeyDerivationIterations)
        {
            throw new PkiException(PkiErrorCode.InvalidKey,
                $"The key's password-based encryption asks for more than {MaximumKeyDerivationIterations} iterations; re-encrypt it with fewer.");
        }
    }
}
