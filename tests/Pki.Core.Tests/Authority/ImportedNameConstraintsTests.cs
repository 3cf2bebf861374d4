using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Authority;

/// <summary>An imported CA's nameConstraints bind what it issues, as those of the CAs the library creates do.</summary>
public sealed class ImportedNameConstraintsTests
{
    [Fact]
    public async Task An_imported_ca_issues_nothing_its_name_constraints_forbid()
    {
        using var host = new PkiTestHost();
        var imported = await ImportAsync(host, w =>
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                Subtree(w, x => x.WriteCharacterString(UniversalTagNumber.IA5String, "example.com", new Asn1Tag(TagClass.ContextSpecific, 2)));
            }

            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                Subtree(w, x => x.WriteOctetString([10, 0, 0, 0, 255, 0, 0, 0], new Asn1Tag(TagClass.ContextSpecific, 7)));
            }
        });

        var outside = await Assert.ThrowsAsync<PkiException>(() => Issue(host, imported, "www.evil.org").AsTask());
        var excludedIp = await Assert.ThrowsAsync<PkiException>(() => Issue(host, imported, "www.example.com", "10.1.2.3").AsTask());
        var inside = await Issue(host, imported, "www.example.com", "192.0.2.7");

        Assert.Equal(["example.com"], imported.NameConstraints!.PermittedDnsDomains);
        Assert.Equal(["10.0.0.0/8"], imported.NameConstraints.ExcludedIpRanges);
        Assert.Equal(PkiErrorCode.PolicyViolation, outside.Code);
        Assert.Equal(PkiErrorCode.PolicyViolation, excludedIp.Code);
        Assert.Equal(imported.Id, inside.Record.CertificateAuthority.Id);
    }

    [Fact]
    public async Task A_ca_whose_name_constraints_the_library_cannot_enforce_is_not_imported()
    {
        using var host = new PkiTestHost();
        var error = await Assert.ThrowsAsync<PkiException>(() => ImportAsync(host, w =>
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                // A directoryName subtree: [4] EXPLICIT Name.
                Subtree(w, x =>
                {
                    using (x.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                    {
                        x.WriteEncodedValue(new X500DistinguishedName("O=Acme").RawData);
                    }
                });
            }
        }));

        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Empty(await host.Authority.ListAsync().ToListAsync());
    }

    private static void Subtree(AsnWriter writer, Action<AsnWriter> name)
    {
        using (writer.PushSequence())
        {
            name(writer);
        }
    }

    private static async Task<AuthorityRecord> ImportAsync(PkiTestHost host, Action<AsnWriter> subtrees)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Constrained External CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            subtrees(writer);
        }

        request.CertificateExtensions.Add(new X509Extension("2.5.29.30", writer.Encode(), critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2036-01-01T00:00:00Z"));
        return await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "constrained",
            CertificatePem = certificate.ExportCertificatePem(),
            PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(),
        });
    }

    private static ValueTask<IssuedCertificate> Issue(PkiTestHost host, AuthorityRecord authority, string dns, string? ip = null) =>
        host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(authority.Id),
            Profile = CertificateProfiles.Server,
            CommonName = dns,
            SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: [dns], ipAddresses: ip is null ? null : [System.Net.IPAddress.Parse(ip)]),
            IncludePrivateKey = false,
        });
}
