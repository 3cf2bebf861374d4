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
}
