namespace Pki.Core;

/// <summary>An exported private key. Treat <see cref="Data"/> as a secret; <see cref="ToString"/> never shows it.</summary>
/// <param name="CertificateId">The certificate the key belongs to.</param>
/// <param name="Format">The format of <see cref="Data"/>.</param>
/// <param name="Data">The PKCS#12 file, or the PEM text as ASCII bytes.</param>
public sealed record ExportedPrivateKey(string CertificateId, PrivateKeyExportFormat Format, ReadOnlyMemory<byte> Data)
{
    /// <summary>The PEM text for the PEM formats; null for <see cref="PrivateKeyExportFormat.Pkcs12"/>.</summary>
    public string? Pem => Format == PrivateKeyExportFormat.Pkcs12 ? null : System.Text.Encoding.ASCII.GetString(Data.Span);

    /// <summary>Never shows the key.</summary>
    public override string ToString() => $"ExportedPrivateKey {{ CertificateId = {CertificateId}, Format = {Format}, Data = [redacted] }}";
}
