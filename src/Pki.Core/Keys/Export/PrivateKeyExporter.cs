using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pki.Core.Asn1;
using Pki.Core.Authority;

namespace Pki.Core.Keys.Export;

/// <summary>
/// The engine behind <see cref="IPrivateKeyExporter"/>, the one place private keys leave the library after issuance:
/// certificate → linked key → decrypt → check it matches the certificate → write the format → clear the plaintext.
/// </summary>
internal sealed partial class PrivateKeyExporter(
    ICertificateStore certificates,
    IPrivateKeyStore keys,
    IPrivateKeyProtector protector,
    AuthorityResolver authorities,
    ILogger<PrivateKeyExporter>? logger = null) : IPrivateKeyExporter
{
    private const int MaximumPasswordLength = 1024;
    private readonly ILogger _logger = logger ?? NullLogger<PrivateKeyExporter>.Instance;

    public async ValueTask<ExportedPrivateKey> ExportAsync(string certificateId, PrivateKeyExportFormat format, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificateId);
        CheckPassword(format, password);
        var record = await certificates.GetAsync(certificateId, cancellationToken).ConfigureAwait(false)
            ?? throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{certificateId}' does not exist.");
        var stored = record.PrivateKeyId is null ? null : await keys.GetAsync(record.PrivateKeyId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            throw new PkiException(PkiErrorCode.PrivateKeyNotFound, $"The library keeps no private key for certificate '{certificateId}'.");
        }

        byte[] certificateDer = PemCertificates.DecodeSingle(record.CertificatePem);
        byte[] pkcs8 = await protector.UnprotectStoredAsync(stored.Id, stored.ProtectedPkcs8, cancellationToken).ConfigureAwait(false);
        try
        {
            using (var key = SoftwareSigningKey.FromPkcs8(pkcs8))
            {
                if (!key.SubjectPublicKeyInfo.Span.SequenceEqual(SubjectPublicKeyInfo(certificateDer)))
                {
                    throw new PkiException(PkiErrorCode.KeyUnavailable, $"The key kept for certificate '{certificateId}' does not match its public key.");
                }
            }

            var chain = format == PrivateKeyExportFormat.Pkcs12 ? await ChainAsync(record, cancellationToken).ConfigureAwait(false) : [];
            byte[] data = format switch
            {
                PrivateKeyExportFormat.Pkcs8Pem => Encoding.ASCII.GetBytes(Pem.Encode("PRIVATE KEY", pkcs8)),
                PrivateKeyExportFormat.EncryptedPkcs8Pem => Encoding.ASCII.GetBytes(Pem.Encode("ENCRYPTED PRIVATE KEY", EncryptedPkcs8.Encrypt(pkcs8, password!))),
                _ => Pkcs12Writer.Write(stored.Algorithm, pkcs8, certificateDer, chain, password!),
            };
            LogExported(_logger, certificateId, stored.Id, format);
            return new ExportedPrivateKey(certificateId, format, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static void CheckPassword(PrivateKeyExportFormat format, string? password)
    {
        if (!Enum.IsDefined(format))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"Unknown export format {format}.");
        }

        if (format == PrivateKeyExportFormat.Pkcs8Pem)
        {
            if (password is not null)
            {
                throw new PkiException(PkiErrorCode.InvalidRequest, "Unencrypted PKCS#8 takes no password; use EncryptedPkcs8Pem to protect the key.");
            }

            return;
        }

        if (string.IsNullOrEmpty(password) || password.Length > MaximumPasswordLength)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{format} needs a password of 1 to {MaximumPasswordLength} characters.");
        }

        if (password.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || password.Contains('\u007F', StringComparison.Ordinal))
        {
            // .NET's PKCS#12 writer refuses U+0000, and OpenSSL cannot open a file protected with one; control characters
            // are never typed in a password.
            throw new PkiException(PkiErrorCode.InvalidRequest, "The password may not contain control characters.");
        }

        int bytes;
        try
        {
            bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetByteCount(password);
        }
        catch (EncoderFallbackException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "The password is not valid Unicode text.", ex);
        }

        if (format == PrivateKeyExportFormat.EncryptedPkcs8Pem && bytes > MaximumPasswordLength)
        {
            // PBES2 takes the password as UTF-8, and OpenSSL reads at most 1024 bytes of one (PEM_BUFSIZE): a longer one
            // would export a file that `openssl pkey` cannot open with the right password.
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{format} needs a password of at most {MaximumPasswordLength} bytes in UTF-8, not {bytes}.");
        }
    }

    private async ValueTask<List<byte[]>> ChainAsync(CertificateRecord record, CancellationToken cancellationToken)
    {
        var issuer = await authorities.FindAsync(CaReference.ById(record.CertificateAuthority.Id), cancellationToken).ConfigureAwait(false);
        string pem = await authorities.BuildChainPemAsync(issuer, cancellationToken).ConfigureAwait(false);
        return PemCertificates.DecodeAll(pem);
    }

    /// <summary>The subjectPublicKeyInfo of a DER certificate (RFC 5280, section 4.1).</summary>
    private static ReadOnlySpan<byte> SubjectPublicKeyInfo(byte[] certificateDer)
    {
        var tbs = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        tbs.ReadEncodedValue(); // [0] version
        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadEncodedValue(); // signature
        tbs.ReadEncodedValue(); // issuer
        tbs.ReadEncodedValue(); // validity
        tbs.ReadEncodedValue(); // subject
        return tbs.ReadEncodedValue().Span;
    }

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Exported the private key {KeyId} of certificate {CertificateId} as {Format}")]
    private static partial void LogExported(ILogger logger, string certificateId, string keyId, PrivateKeyExportFormat format);
}
