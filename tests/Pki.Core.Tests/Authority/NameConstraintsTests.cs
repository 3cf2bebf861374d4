using System.Net;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Authority;

public sealed class NameConstraintsTests
{
    [Fact]
    public async Task A_constrained_ca_issues_inside_its_names_and_refuses_outside_them()
    {
        using var host = new PkiTestHost();
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "root",
            Subject = DistinguishedName.Create(commonName: "Constrained Root"),
            PathLengthConstraint = 1,
            NameConstraints = new NameConstraints
            {
                PermittedDnsDomains = ["acme.example"],
                PermittedIpRanges = ["10.0.0.0/8"],
                ExcludedDnsDomains = ["secret.acme.example"],
            },
        });
        var issuing = await host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "issuing", Parent = CaReference.ById(root.Id), Subject = DistinguishedName.Create(commonName: "Issuing"),
        });

        Task<IssuedCertificate> Issue(string cn, params IPAddress[] ips) => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Server,
            CommonName = cn,
            SubjectAlternativeNames = ips.Length == 0 ? null : new SubjectAlternativeNames(ipAddresses: ips),
        }).AsTask();

        var inside = await Issue("api.acme.example", IPAddress.Parse("10.1.2.3"));
        using var openssl = new OpenSsl();
        var verify = openssl.Verify(root.CertificatePem, issuing.CertificatePem, inside.CertificatePem, "sslserver");
        Assert.True(verify.ExitCode == 0, verify.Output);
        var text = openssl.Run("x509", "-in", openssl.Write("root.pem", root.CertificatePem), "-noout", "-text");
        Assert.Contains("X509v3 Name Constraints: critical", text.Output);

        Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => Issue("evil.other.example"))).Code);
        Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => Issue("db.secret.acme.example"))).Code);
        Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => Issue("ok.acme.example", IPAddress.Parse("192.168.1.1")))).Code);
    }

    [Theory]
    [InlineData("acme.example", "acme.example", true)]
    [InlineData("api.acme.example", "acme.example", true)]
    [InlineData("badacme.example", "acme.example", false)]
    [InlineData("acme.example", ".acme.example", false)]
    [InlineData("a.acme.example", ".acme.example", true)]
    [InlineData("API.ACME.EXAMPLE", "acme.example", true)]
    public void Dns_constraints_match_the_domain_and_its_subdomains(string name, string constraint, bool matches) =>
        Assert.Equal(matches, Pki.Core.Issuance.NameConstraintsPolicy.DnsMatches(name, constraint));

    [Theory]
    [InlineData("a@acme.example", "a@acme.example", true)]
    [InlineData("b@acme.example", "a@acme.example", false)]
    [InlineData("b@acme.example", "acme.example", true)]
    [InlineData("b@mail.acme.example", "acme.example", false)]
    [InlineData("b@mail.acme.example", ".acme.example", true)]
    public void Email_constraints_follow_rfc5280(string address, string constraint, bool matches) =>
        Assert.Equal(matches, Pki.Core.Issuance.NameConstraintsPolicy.EmailMatches(address, constraint));

    [Fact]
    public async Task Malformed_constraints_are_refused_when_the_ca_is_created()
    {
        using var host = new PkiTestHost();
        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "root", Subject = DistinguishedName.Create(commonName: "Root"),
            NameConstraints = new NameConstraints { PermittedIpRanges = ["10.0.0.0/33"] },
        }).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task More_than_a_thousand_subtrees_are_too_many_for_a_new_ca()
    {
        // Each issuance under the CA checks every subtree, and writing 300,000 of them once allocated 15 GB.
        using var host = new PkiTestHost();
        var domains = Enumerable.Range(0, 600).Select(i => $"d{i}.example").ToList();
        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "root", Subject = DistinguishedName.Create(commonName: "Root"),
            NameConstraints = new NameConstraints { PermittedDnsDomains = domains, ExcludedEmailDomains = domains },
        }).AsTask());
        Assert.Equal(PkiErrorCode.InputTooLarge, error.Code);

        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "root", Subject = DistinguishedName.Create(commonName: "Root"),
            NameConstraints = new NameConstraints { PermittedDnsDomains = domains, ExcludedEmailDomains = domains[..400] },
        });
        Assert.Equal(1_000, root.NameConstraints!.PermittedDnsDomains.Count + root.NameConstraints.ExcludedEmailDomains.Count);
    }

    [Theory]
    [InlineData("*.acme.example", "secret.acme.example", true)] // the wildcard stands for secret.acme.example
    [InlineData("*.acme.example", "acme.example", true)]
    [InlineData("*.acme.example", ".deep.acme.example", true)] // conservative: a subtree under the wildcard's base
    [InlineData("*.acme.example", "other.example", false)]
    [InlineData("*.acme.example", "example", false)] // matched by DnsMatches instead: the whole name is under it
    [InlineData("api.acme.example", "secret.acme.example", false)] // only wildcards
    public void A_wildcard_covers_excluded_subtrees_at_or_under_its_base(string name, string constraint, bool covers) =>
        Assert.Equal(covers, Pki.Core.Issuance.NameConstraintsPolicy.WildcardCovers(name, constraint));

    [Fact]
    public async Task Wildcards_subject_emails_and_host_common_names_are_held_to_the_constraints_openssl_applies()
    {
        using var host = new PkiTestHost(o => o.Profiles["client-open"] = new CertificateProfile
        {
            Type = CertificateType.Client, AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.All, ExtendedKeyUsages = { "1.3.6.1.5.5.7.3.2" },
        });
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = "root",
            Subject = DistinguishedName.Create(commonName: "Constrained Root"),
            NameConstraints = new NameConstraints
            {
                PermittedDnsDomains = ["acme.example"],
                ExcludedDnsDomains = ["secret.acme.example"],
                PermittedEmailDomains = ["acme.example"],
            },
        });

        Task<IssuedCertificate> Issue(string profile, DistinguishedName subject, SubjectAlternativeNames? names = null) =>
            host.Authority.IssueAsync(new IssueCertificateRequest
            {
                Authority = CaReference.ById(root.Id), Profile = profile, Subject = subject, SubjectAlternativeNames = names,
            }).AsTask();

        async Task Refused(string profile, DistinguishedName subject, SubjectAlternativeNames? names = null) =>
            Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => Issue(profile, subject, names))).Code);

        // A wildcard whose base holds an excluded name: verifiers would accept it for secret.acme.example.
        await Refused(CertificateProfiles.Server, DistinguishedName.Create(commonName: "*.acme.example"));
        // A client certificate with a host-name CN and no DNS SAN: OpenSSL checks the CN against the DNS constraints.
        await Refused("client-open", DistinguishedName.Create(commonName: "api.evil.example"), new SubjectAlternativeNames(uris: [new Uri("urn:example:device")]));
        // Every CN OpenSSL reads as a host name: with an underscore, or a second CN.
        await Refused("client-open", DistinguishedName.Create(commonName: "api_1.evil.example"), new SubjectAlternativeNames(uris: [new Uri("urn:example:device")]));
        await Refused("client-open", DistinguishedName.FromComponents([new(DistinguishedNameOids.CommonName, "api.acme.example"), new(DistinguishedNameOids.CommonName, "api.evil.example")]),
            new SubjectAlternativeNames(uris: [new Uri("urn:example:device")]));
        // An emailAddress in the subject falls under rfc822Name constraints (RFC 5280 section 4.2.1.10).
        await Refused("client-open", DistinguishedName.Create(commonName: "Mallory").With(DistinguishedNameOids.EmailAddress, "mallory@evil.example"),
            new SubjectAlternativeNames(uris: [new Uri("urn:example:device")]));

        // Inside the constraints, the same shapes are issued, and OpenSSL accepts what was issued.
        using var openssl = new OpenSsl();
        var inside = new[]
        {
            await Issue(CertificateProfiles.Server, DistinguishedName.Create(commonName: "*.public.acme.example")),
            await Issue("client-open", DistinguishedName.Create(commonName: "api.acme.example"), new SubjectAlternativeNames(uris: [new Uri("urn:example:device")])),
            await Issue("client-open", DistinguishedName.Create(commonName: "Alice").With(DistinguishedNameOids.EmailAddress, "alice@acme.example"),
                new SubjectAlternativeNames(uris: [new Uri("urn:example:device")])),
        };
        foreach (var issued in inside)
        {
            var verify = openssl.Verify(root.CertificatePem, root.CertificatePem, issued.CertificatePem, "any");
            Assert.True(verify.ExitCode == 0, verify.Output);
        }
    }
}
