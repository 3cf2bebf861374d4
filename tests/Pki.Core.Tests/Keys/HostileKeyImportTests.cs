using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys;

/// <summary>A CA key naming a curve nobody supports is refused with a code, and the attempt is audited.</summary>
public sealed class HostileKeyImportTests
{
    [Fact]
    public async Task A_key_on_an_unknown_named_curve_is_InvalidKey_and_audited()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=External CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2036-01-01T00:00:00Z"));
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        byte[] prime256v1 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
        int at = pkcs8.AsSpan().IndexOf(prime256v1);
        pkcs8[at + prime256v1.Length - 1] = 0x63; // 1.2.840.10045.3.1.99: no such curve
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "bad curve",
            CertificatePem = certificate.ExportCertificatePem(),
            PrivateKeyPem = PemEncoding.WriteString("PRIVATE KEY", pkcs8),
        }).AsTask());

        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        var events = await host.Get<IAuditLog>().QueryAsync(new AuditQuery()).ToListAsync();
        Assert.Contains(events, e => e.Action == "authority.import" && e.Outcome == AuditOutcome.Failure && e.ErrorCode == PkiErrorCode.InvalidKey);
    }
}
