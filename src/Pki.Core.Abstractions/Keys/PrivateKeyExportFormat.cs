namespace Pki.Core;

/// <summary>How <see cref="IPrivateKeyExporter"/> writes a private key.</summary>
public enum PrivateKeyExportFormat
{
    /// <summary>
    /// PKCS#12 / PFX (RFC 7292) with the certificate, its chain and the key: PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256
    /// (RFC 8018) for the key and certificate bags, an HMAC-SHA256 MAC. Loadable by .NET and OpenSSL 3.
    /// </summary>
    Pkcs12 = 1,

    /// <summary>Encrypted PKCS#8 in PEM (<c>-----BEGIN ENCRYPTED PRIVATE KEY-----</c>, RFC 5958): PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256.</summary>
    EncryptedPkcs8Pem = 2,

    /// <summary>Unencrypted PKCS#8 in PEM (<c>-----BEGIN PRIVATE KEY-----</c>). Handle as a secret.</summary>
    Pkcs8Pem = 3,
}
