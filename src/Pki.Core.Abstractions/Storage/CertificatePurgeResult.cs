namespace Pki.Core;

/// <summary>What one <see cref="ICertificateStore.PurgeExpiredAsync"/> call removed.</summary>
/// <param name="Certificates">Certificates removed.</param>
/// <param name="PrivateKeys">Escrowed private keys removed with them.</param>
public sealed record CertificatePurgeResult(int Certificates, int PrivateKeys);
