using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys;

public sealed class CsrGenerationTests(HierarchyFixture ca) : IClassFixture<HierarchyFixture>
{
    private ICsrGenerator Generator => ca.Host.Get<ICsrGenerator>();

    [Fact]
    public async Task SANs_of_every_type_reach_the_certificate_and_an_empty_subject_gets_a_critical_SAN()
    {
        var names = new SubjectAlternativeNames(
            dnsNames: ["svc.example.com"], ipAddresses: [CertificateAssertions.Ip("2001:db8::5")], emailAddresses: ["ops@example.com"], uris: [new Uri("spiffe://example.com/svc")]);
        var generated = await Generator.GenerateAsync(new GenerateCsrRequest { Subject = DistinguishedName.Empty, SubjectAlternativeNames = names, Key = KeySpecification.Parse("ECC", 256) });

        var issued = await ca.Host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Dual, CsrPem = generated.CsrPem });

        Assert.Equal(names, issued.Record.SubjectAlternativeNames);
        using var certificate = issued.ToX509Certificate2();
        Assert.True(certificate.Extensions["2.5.29.17"]!.Critical);
        using var openssl = new OpenSsl();
        var text = openssl.Run("req", "-in", openssl.Write("x.csr", generated.CsrPem), "-noout", "-text", "-verify");
        Assert.True(text.ExitCode == 0, text.Output);
        Assert.Contains("critical", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_redemption_with_a_generated_CSR_is_married_too()
    {
        var generated = await Generator.GenerateAsync(new GenerateCsrRequest { Subject = DistinguishedName.Parse("CN=tok"), Key = KeySpecification.Parse("ECC", 384) });
        var tokens = ca.Host.Get<IRequestTokenService>();
        var token = await tokens.CreateAsync(new CreateRequestTokenRequest { Name = "t", Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Client });

        var issued = await tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(generated.CsrPem) });

        Assert.Equal(generated.PrivateKeyId, issued.Record.PrivateKeyId);
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("-leading.example.com")]
    public async Task Malformed_SANs_are_refused_and_keep_no_key(string dns)
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => Generator.GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Parse("CN=x"), SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: [dns]), Key = KeySpecification.Parse("ECC", 256),
        }).AsTask());
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, error.Code);
    }

    [Fact]
    public async Task No_subject_and_no_SANs_is_InvalidRequest_and_unknown_profile_too()
    {
        Assert.Equal(PkiErrorCode.InvalidRequest, (await Assert.ThrowsAsync<PkiException>(() => Generator.GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Empty, Key = KeySpecification.Parse("ECC", 256),
        }).AsTask())).Code);
        Assert.Equal(PkiErrorCode.InvalidRequest, (await Assert.ThrowsAsync<PkiException>(() => Generator.GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Parse("CN=x"), Key = KeySpecification.Parse("ECC", 256), Profile = "nope",
        }).AsTask())).Code);
    }

    [Fact]
    public async Task ML_DSA_specifications_pass_through_to_key_generation()
    {
        // Key generation for ML-DSA lands with the post-quantum work; until then it is a typed refusal, not a crash.
        var error = await Record.ExceptionAsync(() => Generator.GenerateAsync(new GenerateCsrRequest { Subject = DistinguishedName.Parse("CN=pq"), Key = KeySpecification.Parse("ML-DSA-65") }).AsTask());
        if (error is not null)
        {
            Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Assert.IsType<PkiException>(error).Code);
        }
    }
}
