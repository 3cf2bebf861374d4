using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance;

public sealed class IssueCertificateTests : IClassFixture<HierarchyFixture>
{
    private readonly HierarchyFixture _ca;

    public IssueCertificateTests(HierarchyFixture ca) => _ca = ca;


    private Task<IssuedCertificate> IssueAsync(string profile, string? commonName = null, SubjectAlternativeNames? names = null, int? days = null, DistinguishedName? subject = null, bool includeKey = true) =>
        _ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(_ca.Issuing.Id),
            Profile = profile,
            CommonName = commonName,
            Subject = subject,
            SubjectAlternativeNames = names,
            ValidityDays = days,
            IncludePrivateKey = includeKey,
        }).AsTask();

    [Fact]
    public async Task A_server_certificate_without_dns_sans_gets_its_common_name_as_one()
    {
        var issued = await IssueAsync(CertificateProfiles.Server, "api.example.com");

        Assert.Equal(["api.example.com"], issued.Record.SubjectAlternativeNames.DnsNames);
        CertificateAssertions.MatchesRecord(issued);
    }

    [Fact]
    public async Task A_server_certificate_with_an_ip_common_name_gets_an_ip_san()
    {
        var issued = await IssueAsync(CertificateProfiles.Server, "10.1.2.3");
        Assert.Equal([IPAddress.Parse("10.1.2.3")], issued.Record.SubjectAlternativeNames.IpAddresses);
    }

    [Fact]
    public async Task Explicit_sans_are_kept_and_a_host_common_name_missing_from_them_is_added()
    {
        // CA/Browser Forum baseline requirements 7.1.4.3: a CN is one of the SANs (clients read only the SANs).
        var issued = await IssueAsync(CertificateProfiles.Server, "api.example.com",
            new SubjectAlternativeNames(["api-v2.example.com"], [IPAddress.Parse("10.0.0.42")]));
        Assert.Equal(["api-v2.example.com", "api.example.com"], issued.Record.SubjectAlternativeNames.DnsNames);
        Assert.Equal([IPAddress.Parse("10.0.0.42")], issued.Record.SubjectAlternativeNames.IpAddresses);

        var already = await IssueAsync(CertificateProfiles.Server, "api.example.com", new SubjectAlternativeNames(["www.example.com", "api.example.com"]));
        Assert.Equal(["www.example.com", "api.example.com"], already.Record.SubjectAlternativeNames.DnsNames);
        var ip = await IssueAsync(CertificateProfiles.Server, "10.0.0.7", new SubjectAlternativeNames(["api.example.com"], [IPAddress.Parse("10.0.0.42")]));
        Assert.Equal([IPAddress.Parse("10.0.0.42"), IPAddress.Parse("10.0.0.7")], ip.Record.SubjectAlternativeNames.IpAddresses);
    }

    [Theory]
    [InlineData(CertificateProfiles.Server)]
    [InlineData(CertificateProfiles.Dual)]
    public async Task A_host_common_name_is_a_character_for_character_copy_of_its_dns_san(string profile)
    {
        // Baseline requirements 7.1.4.3: the CN is "a character-for-character copy of the dNSName entry" (zlint:
        // e_subject_common_name_not_exactly_from_san). DNS names compare without case, so the SAN takes the CN's spelling.
        var added = await IssueAsync(profile, "WWW.Example.COM");
        Assert.Equal(["WWW.Example.COM"], added.Record.SubjectAlternativeNames.DnsNames);

        var given = await IssueAsync(profile, "Api.Example.com", new SubjectAlternativeNames(["www.example.com", "api.example.com"]));
        Assert.Equal(["www.example.com", "Api.Example.com"], given.Record.SubjectAlternativeNames.DnsNames);

        using var certificate = given.ToX509Certificate2();
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), san.EnumerateDnsNames());
    }

    [Fact]
    public async Task A_common_name_added_to_a_full_set_of_sans_is_refused_as_over_the_cap()
    {
        // The CN a server or dual certificate gets as a SAN (7.1.4.3) counts toward Csr.MaximumSubjectAlternativeNames
        // (100 by default): the certificate never has more, and the refusal is the cap's own, saying why.
        SubjectAlternativeNames Hosts(int count) => new(dnsNames: Enumerable.Range(0, count).Select(i => $"h{i}.example.com"));
        foreach (var (profile, commonName) in new[] { (CertificateProfiles.Server, "api.example.com"), (CertificateProfiles.Dual, "api.example.com"), (CertificateProfiles.Server, "10.0.0.1") })
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => IssueAsync(profile, commonName, Hosts(100)));
            Assert.Equal(PkiErrorCode.InputTooLarge, error.Code);
            Assert.Contains("At most 100 subject alternative names", error.Message, StringComparison.Ordinal);
            Assert.Contains($"common name '{commonName}' counts", error.Message, StringComparison.Ordinal);
        }

        var atTheCap = await IssueAsync(CertificateProfiles.Server, "api.example.com", Hosts(99));
        Assert.Equal(100, atTheCap.Record.SubjectAlternativeNames.Count);
        var alreadyThere = await IssueAsync(CertificateProfiles.Server, "H7.Example.com", Hosts(100));
        Assert.Equal(100, alreadyThere.Record.SubjectAlternativeNames.Count);
        Assert.Contains("H7.Example.com", alreadyThere.Record.SubjectAlternativeNames.DnsNames);
    }

    [Fact]
    public async Task A_client_certificate_whose_common_name_is_an_email_gets_an_email_san()
    {
        var issued = await IssueAsync(CertificateProfiles.Client, "alice@example.com");
        Assert.Equal(["alice@example.com"], issued.Record.SubjectAlternativeNames.EmailAddresses);
        Assert.Empty(issued.Record.SubjectAlternativeNames.DnsNames);
    }

    [Fact]
    public async Task A_client_certificate_with_a_plain_name_has_no_san()
    {
        var issued = await IssueAsync(CertificateProfiles.Client, "alice");
        Assert.True(issued.Record.SubjectAlternativeNames.IsEmpty);
        using var certificate = issued.ToX509Certificate2();
        Assert.Empty(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Fact]
    public async Task A_dual_certificate_has_both_ekus_and_the_cn_as_dns_san()
    {
        var issued = await IssueAsync(CertificateProfiles.Dual, "node1.example.com");
        using var certificate = issued.ToX509Certificate2();
        var ekus = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], ekus);
        Assert.Equal(["node1.example.com"], issued.Record.SubjectAlternativeNames.DnsNames);
        Assert.Equal(CertificateType.Dual, issued.Record.Type);
    }

    [Theory]
    [InlineData("server", "email")]
    [InlineData("client", "dns")]
    [InlineData("client", "ip")]
    public async Task San_types_the_profile_forbids_are_a_policy_violation(string profile, string kind)
    {
        var names = kind switch
        {
            "email" => new SubjectAlternativeNames(dnsNames: ["a.example.com"], emailAddresses: ["a@example.com"]),
            "dns" => new SubjectAlternativeNames(dnsNames: ["a.example.com"]),
            _ => new SubjectAlternativeNames(ipAddresses: [IPAddress.Loopback]),
        };
        var error = await Assert.ThrowsAsync<PkiException>(() => IssueAsync(profile, "a.example.com", names));
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
        Assert.Equal(400, error.HttpStatusCode);
    }

    [Fact]
    public async Task A_server_certificate_needs_a_dns_or_ip_identity()
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => IssueAsync(CertificateProfiles.Server, "Acme Web Server"));
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(826)]
    public async Task Validity_outside_the_profile_range_is_refused(int days)
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => IssueAsync(CertificateProfiles.Server, "a.example.com", days: days));
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
    }

    [Fact]
    public async Task The_generated_private_key_is_returned_once_and_matches_the_certificate()
    {
        var issued = await IssueAsync(CertificateProfiles.Server, "tls.example.com");

        Assert.NotNull(issued.PrivateKeyPem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", issued.PrivateKeyPem, StringComparison.Ordinal);
        using var withKey = issued.ToX509Certificate2WithPrivateKey();
        Assert.True(withKey.HasPrivateKey);
        Assert.DoesNotContain("PRIVATE KEY", issued.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", issued.ToString(), StringComparison.Ordinal);

        var withoutKey = await IssueAsync(CertificateProfiles.Server, "tls.example.com", includeKey: false);
        Assert.Null(withoutKey.PrivateKeyPem);
    }

    [Fact]
    public async Task The_record_carries_the_client_certificate_model_fields()
    {
        var issued = await IssueAsync(CertificateProfiles.Client, subject: DistinguishedName.Parse("CN=Cloudflare,OU=Organizational Unit,O=Organization,L=Somewhere,ST=CA,C=US"), days: 3650 / 5);
        var record = issued.Record;

        Assert.Equal(32, record.Id.Length);
        Assert.Equal(_ca.Issuing.Id, record.CertificateAuthority.Id);
        Assert.Equal(_ca.Issuing.Name, record.CertificateAuthority.Name);
        Assert.Equal("Cloudflare", record.CommonName);
        Assert.Equal("US", record.Country);
        Assert.Equal("CA", record.State);
        Assert.Equal("Somewhere", record.Location);
        Assert.Equal("Organization", record.Organization);
        Assert.Equal("Organizational Unit", record.OrganizationalUnit);
        Assert.Equal(730, record.ValidityDays);
        Assert.Equal("SHA256WithECDSA", record.SignatureAlgorithm);
        Assert.Equal(CertificateStatus.Active, record.Status);
        Assert.Equal(64, record.FingerprintSha256.Length);
        Assert.Equal(40, record.SubjectKeyIdentifier.Length);
        Assert.Equal(TimeSpan.FromMinutes(1), record.ExpiresOn - record.IssuedOn - TimeSpan.FromDays(730));
        Assert.Equal(record, await _ca.Host.Authority.GetCertificateAsync(record.Id));
        Assert.True(CertificateAssertions.ChainBuilds(issued.ToX509Certificate2(), _ca.Root.CertificatePem, _ca.Issuing.CertificatePem, out string status), status);
    }

    [Fact]
    public async Task Unknown_profiles_and_missing_subjects_are_refused()
    {
        Assert.Equal(PkiErrorCode.InvalidRequest, (await Assert.ThrowsAsync<PkiException>(() => IssueAsync("nope", "a.example.com"))).Code);
        Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => IssueAsync(CertificateProfiles.Client))).Code);
    }

    [Property(MaxTest = 40)]
    public Property Issue_then_parse_round_trips_to_the_record(NonEmptyString organization, PositiveInt days, bool dual)
    {
        string o = new(organization.Get.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).Take(60).ToArray());
        var subject = DistinguishedName.Create(commonName: "host.example.com", organization: o.Length == 0 ? "x" : o, country: "US");
        var issued = IssueAsync(dual ? CertificateProfiles.Dual : CertificateProfiles.Server, subject: subject, days: 1 + days.Get % 825).GetAwaiter().GetResult();
        CertificateAssertions.MatchesRecord(issued);
        return (issued.Record.Subject == subject).ToProperty();
    }
}
