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
                new KeyDerivationBudget().Spend(encrypted.EncryptionAlgorithm);
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
        KeyDerivationBudget.CheckPkcs12(pkcs12.ToArray(), password);
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

    /// <summary>Checks that the certificate is a CA (RFC 5280 section 4.2.1.9: cA TRUE; keyCertSign when keyUsage is present)
    /// whose CRLs relying parties accept (cRLSign when keyUsage is present, section 6.3.3 (f)): the library publishes CRLs
    /// for every CA it holds.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.NotACertificateAuthority"/>; <see cref="PkiErrorCode.InvalidKey"/> when
    /// basicConstraints or keyUsage is malformed.</exception>
    public static void RequireCertificateAuthority(X509Certificate2 certificate)
    {
        bool certificateAuthority, keyCertSign, crlSign;
        try
        {
            var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            certificateAuthority = basic is not null && basic.CertificateAuthority;
            var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
            keyCertSign = usage is null || usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign);
            crlSign = usage is null || usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign);
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

        if (!crlSign)
        {
            throw new PkiException(PkiErrorCode.NotACertificateAuthority,
                "The CA certificate's keyUsage does not include cRLSign: relying parties would refuse every CRL the library publishes for it (RFC 5280, section 6.3.3).");
        }
    }
}
