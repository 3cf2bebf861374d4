namespace Pki.Core;

/// <summary>
/// Recovers a certificate together with the private key the library keeps for it. This is the one privileged export path:
/// a host must allow it only to callers entitled to private keys (the planned authorization component guards it with the
/// <c>export_private_key</c> capability and an audit event).
/// </summary>
public interface IPrivateKeyExporter
{
    /// <summary>Exports the certificate's private key (with the certificate and its chain for PKCS#12).</summary>
    /// <param name="certificateId">The certificate id.</param>
    /// <param name="format">The output format.</param>
    /// <param name="password">The password for <see cref="PrivateKeyExportFormat.Pkcs12"/> and
    /// <see cref="PrivateKeyExportFormat.EncryptedPkcs8Pem"/> (1 to 1024 characters without control characters; for
    /// encrypted PKCS#8 also at most 1024 bytes in UTF-8, all OpenSSL reads of a PEM password); must be null for
    /// <see cref="PrivateKeyExportFormat.Pkcs8Pem"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.CertificateNotFound"/>; <see cref="PkiErrorCode.PrivateKeyNotFound"/> when the library keeps no
    /// key for the certificate; <see cref="PkiErrorCode.InvalidRequest"/> for a missing, oversized or superfluous password or an
    /// unknown format; <see cref="PkiErrorCode.KeyUnavailable"/> when the stored key cannot be decrypted or does not match its certificate;
    /// <see cref="PkiErrorCode.UnsupportedAlgorithm"/> when the key type cannot be written in the format.
    /// </exception>
    ValueTask<ExportedPrivateKey> ExportAsync(string certificateId, PrivateKeyExportFormat format, string? password, CancellationToken cancellationToken = default);
}
