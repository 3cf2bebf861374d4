using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Pki.Core.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// A CA's delta CRL URL reaches relying parties as the freshestCRL extension (RFC 5280 sections 4.2.1.15 and 5.2.6):
/// non-critical, in every certificate the CA issues and in its full CRLs, never in a delta CRL.
/// </summary>
public sealed class FreshestCrlTests
{
    private const string FreshestCrlOid = "2.5.29.46";

    private static readonly Uri RootCrl = new("http://pki.example.com/crl/root.crl");
    private static readonly Uri RootDelta = new("http://pki.example.com/crl/root-delta.crl");

    /// <summary>
    /// The extension value as RFC 5280 spells it, written here independently of the library: CRLDistributionPoints with one
    /// DistributionPoint whose distributionPoint is a fullName of one uniformResourceIdentifier.
    /// </summary>
    private static byte[] ExpectedValue(Uri url)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, url.OriginalString, new Asn1Tag(TagClass.ContextSpecific, 6));
        }

        return writer.Encode();
    }

    /// <summary>BouncyCastle's reading of a freshestCRL value: the URIs of its full names.</summary>
    private static string[] BouncyCastleUris(byte[] value) =>
        [.. CrlDistPoint.GetInstance(Asn1Object.FromByteArray(value)).GetDistributionPoints()
            .Select(point => point.DistributionPointName)
            .Where(name => name.Type == DistributionPointName.FullName)
            .SelectMany(name => GeneralNames.GetInstance(name.Name).GetNames())
            .Where(name => name.TagNo == GeneralName.UniformResourceIdentifier)
            .Select(name => name.Name.ToString()!)];

    private static void AssertFreshestCrl(X509Certificate2 certificate, Uri expected)
    {
        var extension = certificate.Extensions[FreshestCrlOid];
        Assert.NotNull(extension);
        Assert.False(extension.Critical);
        Assert.Equal(ExpectedValue(expected), extension.RawData);
        Assert.Equal([expected.OriginalString], BouncyCastleUris(extension.RawData));
        Assert.Single(certificate.Extensions, e => e.Oid?.Value == FreshestCrlOid);

        var parsed = new X509CertificateParser().ReadCertificate(certificate.RawData);
        Assert.Contains(FreshestCrlOid, parsed.GetNonCriticalExtensionOids());
    }

    private static async Task<AuthorityRecord> CreateRootAsync(PkiTestHost host, Uri? crl, Uri? delta) =>
        await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "Root " + Guid.NewGuid().ToString("N"),
            Subject = DistinguishedName.Create(commonName: "Test Root CA", organization: "Acme Corp", country: "US"),
            PathLengthConstraint = 1,
            CrlDistributionPoint = crl,
            DeltaCrlDistributionPoint = delta,
        });

    [Fact]
    public async Task Certificates_a_CA_with_a_delta_CRL_URL_issues_carry_a_non_critical_freshestCRL_with_it()
    {
        using var host = new PkiTestHost();
        var root = await CreateRootAsync(host, RootCrl, RootDelta);
        var issuing = await host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "Issuing " + Guid.NewGuid().ToString("N"),
            Parent = CaReference.ById(root.Id),
            Subject = DistinguishedName.Create(commonName: "Test Issuing CA", organization: "Acme Corp", country: "US"),
            CrlDistributionPoint = RevocationFixture.CrlUrl,
            DeltaCrlDistributionPoint = RevocationFixture.DeltaCrlUrl,
        });
        var leaf = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CommonName = "svc.example.com", ValidityDays = 30,
        });

        // The subordinate CA certificate carries its issuer's (the root's) URL, the leaf its own issuer's.
        using var subordinate = X509Certificate2.CreateFromPem(issuing.CertificatePem);
        AssertFreshestCrl(subordinate, RootDelta);
        using var issued = leaf.ToX509Certificate2();
        AssertFreshestCrl(issued, RevocationFixture.DeltaCrlUrl);
        // Next to the CRL distribution point, which keeps pointing at the full CRL.
        var oids = issued.Extensions.Select(e => e.Oid!.Value).ToList();
        Assert.Equal(oids.IndexOf("2.5.29.31") + 1, oids.IndexOf(FreshestCrlOid));

        // A self-signed root is issued by nobody: no URL of its own goes into it.
        using var self = X509Certificate2.CreateFromPem(root.CertificatePem);
        Assert.Null(self.Extensions[FreshestCrlOid]);
        Assert.Equal(RevocationFixture.DeltaCrlUrl, (await host.Authority.GetAsync(CaReference.ById(issuing.Id))).DeltaCrlDistributionPoint);
    }

    [Fact]
    public async Task Full_CRLs_of_a_CA_with_a_delta_CRL_URL_carry_a_non_critical_freshestCRL_and_delta_CRLs_never_do()
    {
        using var pki = await RevocationFixture.CreateAsync(deltaCrl: RevocationFixture.DeltaCrlUrl);
        var (full, delta) = await pki.HoldAfterFullCrlAsync(await pki.IssueClientAsync());
        var served = await pki.Revocation.GetDeltaCrlAsync(CaReference.ById(pki.Issuing.Id));

        var fullCrl = new X509CrlParser().ReadCrl(full.Der.ToArray());
        Assert.Contains(FreshestCrlOid, fullCrl.GetNonCriticalExtensionOids());
        byte[] value = fullCrl.GetExtensionValue(new DerObjectIdentifier(FreshestCrlOid)).GetOctets();
        Assert.Equal(ExpectedValue(RevocationFixture.DeltaCrlUrl), value);
        Assert.Equal([RevocationFixture.DeltaCrlUrl.OriginalString], BouncyCastleUris(value));

        foreach (var crl in new[] { delta, served })
        {
            var parsed = new X509CrlParser().ReadCrl(crl.Der.ToArray());
            Assert.NotNull(parsed.GetExtensionValue(X509Extensions.DeltaCrlIndicator));
            Assert.Null(parsed.GetExtensionValue(new DerObjectIdentifier(FreshestCrlOid)));
        }
    }

    [Fact]
    public async Task Without_a_delta_CRL_URL_neither_certificates_nor_CRLs_carry_freshestCRL()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var client = await pki.IssueClientAsync();
        var full = await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id));

        Assert.Null(pki.Issuing.DeltaCrlDistributionPoint);
        using var issued = client.ToX509Certificate2();
        Assert.Null(issued.Extensions[FreshestCrlOid]);
        // The CA's block of extensions is as before: authority key identifier, CRL distribution point, AIA, nothing between.
        Assert.Equal(["2.5.29.35", "2.5.29.31", "1.3.6.1.5.5.7.1.1"], issued.Extensions.Select(e => e.Oid!.Value).SkipWhile(oid => oid != "2.5.29.35").Take(3));
        Assert.Null(new X509CrlParser().ReadCrl(full.Der.ToArray()).GetExtensionValue(new DerObjectIdentifier(FreshestCrlOid)));
    }

    [Fact]
    public void The_CRL_writer_leaves_a_CRL_without_a_URL_and_every_delta_CRL_byte_for_byte_as_before()
    {
        var thisUpdate = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var full = new CrlFields(new byte[] { 0x30, 0x00 }, new byte[] { 0x30, 0x00 }, new byte[20], thisUpdate, thisUpdate.AddDays(7), 5, null, RevocationFixture.CrlUrl);
        var delta = full with { Number = 6, BaseCrlNumber = 5 };
        Pki.Core.Revocation.CrlEntry[] entries = [new(SerialNumber.FromBytes([0x01, 0x02]), thisUpdate, RevocationReason.CertificateHold, null)];

        Assert.Equal(CrlWriter.WriteTbs(full, entries), CrlWriter.WriteTbs(full with { FreshestCrl = null }, entries));
        Assert.Equal(CrlWriter.WriteTbs(delta, entries), CrlWriter.WriteTbs(delta with { FreshestCrl = RevocationFixture.DeltaCrlUrl }, entries));
        byte[] withUrl = CrlWriter.WriteTbs(full with { FreshestCrl = RevocationFixture.DeltaCrlUrl }, entries);
        Assert.True(withUrl.AsSpan().IndexOf(ExpectedValue(RevocationFixture.DeltaCrlUrl)) > 0);
    }

    [Fact]
    public async Task An_imported_CA_keeps_its_delta_CRL_URL_and_puts_it_into_what_it_issues()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=External CA,O=Elsewhere", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var external = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddYears(1));
        using var host = new PkiTestHost();

        var imported = await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "external",
            CertificatePem = external.ExportCertificatePem(),
            PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(),
            CrlDistributionPoint = RootCrl,
            DeltaCrlDistributionPoint = RootDelta,
        });
        var leaf = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(imported.Id), Profile = CertificateProfiles.Server, CommonName = "svc.example.com", ValidityDays = 30,
        });

        Assert.Equal(RootDelta, imported.DeltaCrlDistributionPoint);
        using var issued = leaf.ToX509Certificate2();
        AssertFreshestCrl(issued, RootDelta);
    }

    public static TheoryData<string?, string> RefusedUrls => new()
    {
        { null, "http://pki.example.com/crl/delta.crl" },                            // a delta without its base
        { "http://pki.example.com/crl/x.crl", "http://pki.example.com/crl/x.crl" },  // the base's own URL
        { "http://pki.example.com/crl/x.crl", "http://pki.example.com/crl/a b.crl" },  // cannot go into a certificate
        { "http://pki.example.com/crl/x.crl", "http://pki.example.com/crl/ü.crl" },
    };

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public async Task A_delta_CRL_URL_without_a_CRL_distribution_point_equal_to_it_or_unfit_for_a_certificate_is_InvalidRequest(string? crl, string delta)
    {
        using var host = new PkiTestHost();
        Uri? crlUrl = crl is null ? null : new Uri(crl);
        var deltaUrl = new Uri(delta);
        var root = await CreateRootAsync(host, crl: null, delta: null);

        var refusals = new Func<Task>[]
        {
            async () => await CreateRootAsync(host, crlUrl, deltaUrl),
            async () => await host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
            {
                Name = "sub", Parent = CaReference.ById(root.Id), Subject = DistinguishedName.Create(commonName: "Sub"),
                CrlDistributionPoint = crlUrl, DeltaCrlDistributionPoint = deltaUrl,
            }),
            async () => await host.Authority.ImportAsync(new ImportAuthorityRequest
            {
                Name = "imported", CertificatePem = "not checked before the URLs", PrivateKeyPem = "-",
                CrlDistributionPoint = crlUrl, DeltaCrlDistributionPoint = deltaUrl,
            }),
        };
        foreach (var refusal in refusals)
        {
            var error = await Assert.ThrowsAsync<PkiException>(refusal);
            Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
            Assert.Contains(nameof(CreateAuthorityRequest.DeltaCrlDistributionPoint), error.Message, StringComparison.Ordinal);
        }

        Assert.Single(await host.Authority.ListAsync().ToListAsync());
    }
}
