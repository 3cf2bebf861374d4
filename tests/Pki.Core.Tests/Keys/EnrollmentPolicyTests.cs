using System.Security.Cryptography;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys;

/// <summary>System-wide policy, profile (template) key lists and enrollment patterns, for generated keys and submitted CSRs alike.</summary>
public sealed class EnrollmentPolicyTests
{
    private static PkiTestHost Host() => new(o =>
    {
        o.EnrollmentPolicy.AllowedKeyAlgorithms.UnionWith([KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP384, KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072]);
        o.Profiles[CertificateProfiles.Server].AllowedKeyAlgorithms.Add(KeyAlgorithm.EcdsaP256);
        var rsaOnly = new EnrollmentPolicy { MaximumValidityDays = 30 };
        rsaOnly.AllowedKeyAlgorithms.Add(KeyAlgorithm.Rsa3072);
        rsaOnly.AllowedProfiles.Add(CertificateProfiles.Server);
        o.EnrollmentPatterns["web-rsa"] = rsaOnly;
        o.EnrollmentPatterns["short"] = new EnrollmentPolicy { MaximumValidityDays = 7 };
    });

    [Fact]
    public async Task The_profile_list_applies_without_a_pattern_and_the_pattern_wins_when_given()
    {
        using var host = Host();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var generator = host.Get<ICsrGenerator>();
        var rsa = KeySpecification.Parse("RSA", 3072);

        var refused = await Assert.ThrowsAsync<PkiException>(() => generator.GenerateAsync(Request(rsa, CertificateProfiles.Server, null)).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, refused.Code);
        Assert.Contains("profile 'server'", refused.Message, StringComparison.Ordinal);

        var generated = await generator.GenerateAsync(Request(rsa, CertificateProfiles.Server, "web-rsa"));
        var issued = await host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CsrPem = generated.CsrPem, EnrollmentPattern = "web-rsa", ValidityDays = 30,
        });
        Assert.Equal(3072, issued.Record.PublicKeySize);
        Assert.Equal(generated.PrivateKeyId, issued.Record.PrivateKeyId);

        // The pattern's P-256 refusal wins over the profile's P-256 permission.
        var p256 = await Assert.ThrowsAsync<PkiException>(() => generator.GenerateAsync(Request(KeySpecification.Parse("ECC", 256), CertificateProfiles.Server, "web-rsa")).AsTask());
        Assert.Contains("enrollment pattern 'web-rsa'", p256.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_system_wide_policy_always_applies()
    {
        using var host = Host();
        var generator = host.Get<ICsrGenerator>();
        foreach (var spec in new[] { KeySpecification.Parse("RSA", 4096), KeySpecification.Parse("Ed25519"), KeySpecification.Parse("ECC", 521) })
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => generator.GenerateAsync(Request(spec, null, null)).AsTask());
            Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
            Assert.Contains("system-wide", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Submitted_CSRs_pass_the_same_policy()
    {
        using var host = Host();
        var (_, issuing) = await host.CreateHierarchyAsync();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        string csr = TestCsrs.Pem(TestCsrs.DotNet(p384));

        var byProfile = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CsrPem = csr }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, byProfile.Code);

        var issued = await host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CsrPem = csr });
        Assert.Equal(384, issued.Record.PublicKeySize);

        using var rsa2560 = RSA.Create(2560);
        var odd = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CsrPem = TestCsrs.Pem(TestCsrs.DotNet(rsa2560, RSASignaturePadding.Pkcs1)),
        }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, odd.Code);
        Assert.Contains("RSA-2560", odd.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pattern_validity_profile_and_name_are_enforced_for_generated_keys_too()
    {
        using var host = Host();
        var (_, issuing) = await host.CreateHierarchyAsync();
        IssueCertificateRequest Issue(string? pattern, int? days, string profile = CertificateProfiles.Client) => new()
        {
            Authority = CaReference.ById(issuing.Id), Profile = profile, Subject = DistinguishedName.Parse("CN=bob"), EnrollmentPattern = pattern, ValidityDays = days,
        };

        Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(Issue("short", 8)).AsTask())).Code);
        Assert.Equal(7, (await host.Authority.IssueAsync(Issue("short", null))).Record.ValidityDays); // the default, capped at the pattern's maximum
        Assert.NotNull((await host.Authority.IssueAsync(Issue("short", 7))).Record);
        Assert.Equal(PkiErrorCode.PolicyViolation, (await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(Issue("web-rsa", 7, CertificateProfiles.Client) with { KeyAlgorithm = KeyAlgorithm.Rsa3072 }).AsTask())).Code);
        Assert.Equal(PkiErrorCode.InvalidRequest, (await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(Issue("nope", 7)).AsTask())).Code);
    }

    [Fact]
    public async Task A_refused_issuance_keeps_no_key()
    {
        using var host = Host();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var store = host.Get<IPrivateKeyStore>();
        int before = await CountAsync(store);

        await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, Subject = DistinguishedName.Parse("CN=x"), EnrollmentPattern = "short", ValidityDays = 100,
        }).AsTask());

        Assert.Equal(before, await CountAsync(store));
    }

    [Fact]
    public void Bad_patterns_fail_at_start_up_naming_the_value()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new PkiTestHost(o =>
        {
            var pattern = new EnrollmentPolicy { MaximumValidityDays = 0 };
            pattern.AllowedProfiles.Add("missing");
            o.EnrollmentPatterns["bad"] = pattern;
            o.PreviousKeyEncryptionKeys["old"] = new byte[16];
            o.KeyEncryptionKeyId = "has space";
        }));
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaximumValidityDays", error.Message, StringComparison.Ordinal);
        Assert.Contains("PreviousKeyEncryptionKeys['old']", error.Message, StringComparison.Ordinal);
        Assert.Contains("'has space'", error.Message, StringComparison.Ordinal);
    }

    private static GenerateCsrRequest Request(KeySpecification key, string? profile, string? pattern) => new()
    {
        Subject = DistinguishedName.Parse("CN=web.example.com"), Key = key, Profile = profile, EnrollmentPattern = pattern,
    };

    private static async Task<int> CountAsync(IPrivateKeyStore store)
    {
        int count = 0;
        await foreach (var _ in store.ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task A_request_without_a_validity_gets_the_profile_default_capped_at_the_policy_maximum()
    {
        using var host = new PkiTestHost(o =>
        {
            o.EnrollmentPolicy.MaximumValidityDays = 90;
            o.EnrollmentPatterns["week"] = new EnrollmentPolicy { MaximumValidityDays = 7 };
        });
        var (_, issuing) = await host.CreateHierarchyAsync();
        IssueCertificateRequest Request(string? pattern) => new()
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CommonName = "d.example.com", EnrollmentPattern = pattern,
        };

        Assert.Equal(90, (await host.Authority.IssueAsync(Request(null))).Record.ValidityDays); // the server profile's default is 365
        Assert.Equal(7, (await host.Authority.IssueAsync(Request("week"))).Record.ValidityDays);
        var asked = await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(Request(null) with { ValidityDays = 91 }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, asked.Code); // an explicit validity is still checked, not capped
    }

    [Fact]
    public void Default_intermediates_that_would_outlive_default_roots_are_refused_at_start_up()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new PkiTestHost(o => o.DefaultRootValidityDays = 365));
        Assert.Contains("DefaultIntermediateValidityDays", error.Message, StringComparison.Ordinal);
        using var clipped = new PkiTestHost(o => { o.DefaultRootValidityDays = 365; o.ValidityNesting = ValidityNesting.Clip; });
    }
}
