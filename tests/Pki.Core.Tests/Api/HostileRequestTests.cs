using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Api;

/// <summary>
/// Hostile values in otherwise well-formed requests and options: every public entry point answers them with a
/// <see cref="PkiException"/> and a stable code (or fails start-up validation), and leaves nothing half-written.
/// </summary>
public sealed class HostileRequestTests
{
    /// <summary>Test data cannot carry unpaired surrogates through xunit's serialization: <c>{hi}</c> and <c>{lo}</c> stand for them.</summary>
    private static string Unpaired(string text) => text.Replace("{hi}", "\ud800", StringComparison.Ordinal).Replace("{lo}", "\udc00", StringComparison.Ordinal);

    private static async Task<PkiException> RefusedAsync(Func<Task> action) => await Assert.ThrowsAsync<PkiException>(action);

    private static async Task<int> CountKeysAsync(PkiTestHost host)
    {
        int count = 0;
        await foreach (var _ in host.Get<IPrivateKeyStore>().ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    private static async Task<int> CountAuthoritiesAsync(PkiTestHost host)
    {
        int count = 0;
        await foreach (var _ in host.Authority.ListAsync())
        {
            count++;
        }

        return count;
    }

    private static CreateRootAuthorityRequest Root(string name = "Hostile Root") => new()
    {
        Name = name,
        Subject = DistinguishedName.Create(commonName: "Hostile Root CA", organization: "Acme Corp", country: "US"),
    };

    // ---- distinguished names ----

    [Theory]
    [InlineData("3.4=x")]        // first arc above 2
    [InlineData("1.40=x")]       // second arc above 39 under arc 1
    [InlineData("1.2.03=x")]     // leading zero
    [InlineData("CN=a,0.40=x")]
    public void Parsed_name_with_an_attribute_type_that_is_not_an_OID_is_InvalidName(string text)
    {
        var error = Assert.Throws<PkiException>(() => DistinguishedName.Parse(text));
        Assert.Equal(PkiErrorCode.InvalidName, error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("commonName")]
    [InlineData("1.40")]
    [InlineData("2.5.4.")]
    [InlineData("2..5")]
    public void Name_component_with_a_type_that_is_not_an_OID_is_InvalidName(string oid)
    {
        var error = Assert.Throws<PkiException>(() => DistinguishedName.FromComponents([new DistinguishedNameComponent(oid, "x")]));
        Assert.Equal(PkiErrorCode.InvalidName, error.Code);
    }

    [Property(MaxTest = 1000)]
    public Property Any_attribute_type_and_value_give_a_name_that_encodes_or_a_PkiException(string oid, string value)
    {
        try
        {
            var name = DistinguishedName.FromComponents([new DistinguishedNameComponent(oid ?? string.Empty, value ?? string.Empty)]);
            return (name.Encode().Length > 0).ToProperty();
        }
        catch (PkiException error)
        {
            return (error.Code == PkiErrorCode.InvalidName).ToProperty();
        }
    }

    // ---- CA creation ----

    [Theory]
    [InlineData("http://crl.example.com/ü.crl")]
    [InlineData("http://crl.example.com/a b.crl")]
    [InlineData("ldap://crl.example.com/\u0001")]
    public async Task Root_with_a_CRL_or_OCSP_URL_that_cannot_go_into_a_certificate_is_InvalidRequest(string url)
    {
        using var host = new PkiTestHost();
        var uri = new Uri(url, UriKind.Absolute);
        foreach (var request in new[] { Root() with { CrlDistributionPoint = uri }, Root() with { OcspResponder = uri }, Root() with { CaIssuers = uri } })
        {
            var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(request));
            Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        }

        Assert.Equal(0, await CountAuthoritiesAsync(host));
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Root_with_a_relative_CRL_URL_is_InvalidRequest()
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { CrlDistributionPoint = new Uri("crl/root.crl", UriKind.Relative) }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    public static TheoryData<string, NameConstraints> HostileNameConstraints => new()
    {
        { "bad CIDR", new NameConstraints { PermittedIpRanges = ["10.0.0.0/99"] } },
        { "null CIDR", new NameConstraints { ExcludedIpRanges = [null!] } },
        { "null DNS", new NameConstraints { PermittedDnsDomains = [null!] } },
        { "null email", new NameConstraints { ExcludedEmailDomains = [null!] } },
        { "null list", new NameConstraints { PermittedDnsDomains = null! } },
        { "NUL in DNS", new NameConstraints { PermittedDnsDomains = ["example.com\0"] } },
    };

    [Theory]
    [MemberData(nameof(HostileNameConstraints))]
    public async Task Root_with_hostile_name_constraints_is_InvalidRequest_and_keeps_no_key(string label, NameConstraints constraints)
    {
        _ = label;
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { NameConstraints = constraints }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Equal(0, await CountAuthoritiesAsync(host));
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Theory]
    [InlineData("Acme\0Corp")]
    [InlineData("Acme\u0085Corp")]
    [InlineData("Acme {hi} Corp")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Root_with_a_hostile_organization_is_InvalidRequest(string organization)
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { Organization = Unpaired(organization) }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Root_with_a_1_MB_organization_is_InvalidRequest()
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { Organization = new string('o', 1 << 20) }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Theory]
    [InlineData("Root {hi}")]
    [InlineData("Root {lo} x")]
    public async Task Root_whose_name_has_an_unpaired_surrogate_is_InvalidRequest(string name)
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root(Unpaired(name))));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Property(MaxTest = 100)]
    public Property Any_CA_name_and_organization_create_a_clean_CA_or_InvalidRequest(string name, string organization)
    {
        using var host = new PkiTestHost();
        try
        {
            var root = host.Authority.CreateRootAsync(Root(name) with { Organization = organization }).AsTask().GetAwaiter().GetResult();
            return (RequestText.IsClean(root.Name) && (root.Organization is null || RequestText.IsClean(root.Organization))).ToProperty();
        }
        catch (PkiException error)
        {
            return (error.Code == PkiErrorCode.InvalidRequest && CountKeysAsync(host).GetAwaiter().GetResult() == 0).ToProperty();
        }
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    [InlineData(36_601)]
    public async Task Root_validity_out_of_range_is_refused_with_a_code_and_keeps_nothing(int days)
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { ValidityDays = days }));
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Undefined_key_algorithms_are_InvalidRequest_everywhere()
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        int keys = await CountKeysAsync(host);
        foreach (var algorithm in new[] { (KeyAlgorithm)999, (KeyAlgorithm)(-1) })
        {
            Assert.Equal(PkiErrorCode.InvalidRequest, (await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { KeyAlgorithm = algorithm }))).Code);
            Assert.Equal(PkiErrorCode.InvalidRequest, (await RefusedAsync(async () => await host.Authority.CreateRootAsync(Root() with { AlternativeKeyAlgorithm = algorithm }))).Code);
            Assert.Equal(PkiErrorCode.InvalidRequest, (await RefusedAsync(async () => await host.Authority.IssueAsync(new IssueCertificateRequest
            {
                Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CommonName = "a@example.com", KeyAlgorithm = algorithm,
            }))).Code);
        }

        Assert.Equal(keys, await CountKeysAsync(host));
    }

    // ---- CA import ----

    [Fact]
    public async Task Import_of_an_explicit_curve_EC_key_is_InvalidKey()
    {
        using var host = new PkiTestHost();
        using var named = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = ECDsa.Create(named.ExportExplicitParameters(includePrivateParameters: true));
        string certificatePem = SelfSignedCa(named, new X500DistinguishedName("CN=Explicit Curve CA"));
        foreach (string keyPem in new[] { PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()), PemEncoding.WriteString("EC PRIVATE KEY", key.ExportECPrivateKey()) })
        {
            var error = await RefusedAsync(async () => await host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "x", CertificatePem = certificatePem, PrivateKeyPem = keyPem }));
            Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        }

        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Theory]
    [InlineData("2.5.29.15", "03020106")]           // keyUsage keyCertSign, cRLSign
    [InlineData("2.5.29.19", "30060101FF020100")]   // basicConstraints cA TRUE, pathLen 0
    [InlineData("2.5.29.14", "04020102")]           // subjectKeyIdentifier
    public async Task Import_of_a_CA_certificate_with_a_malformed_extension_is_InvalidKey(string oid, string hex)
    {
        using var host = new PkiTestHost();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] value = Convert.FromHexString(hex);
        byte[] der = SelfSignedCaDer(key, new X500DistinguishedName("CN=Malformed Extension CA"), new X509Extension(oid, value, critical: false));

        // Give the extension value a NULL tag (.NET would not sign the malformed value; the import checks no signature first).
        int at = der.AsSpan().IndexOf((byte[])[0x04, (byte)value.Length, .. value]);
        Assert.True(at > 0);
        der[at + 2] = 0x05;
        var error = await RefusedAsync(async () => await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "x", CertificatePem = PemEncoding.WriteString("CERTIFICATE", der), PrivateKeyPem = PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()),
        }));
        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        Assert.Equal(0, await CountAuthoritiesAsync(host));
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Import_of_a_CA_certificate_with_a_malformed_authority_key_identifier_is_InvalidKey()
    {
        using var host = new PkiTestHost();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=Subordinate"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509Extension("2.5.29.35", [0x05, 0x00], critical: false));
        using var certificate = request.Create(new X500DistinguishedName("CN=Somebody Else"), X509SignatureGenerator.CreateForECDsa(key),
            TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30), [1, 2, 3]);
        var error = await RefusedAsync(async () => await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "x", CertificatePem = certificate.ExportCertificatePem(), PrivateKeyPem = PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()),
        }));
        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Import_of_a_CA_whose_subject_has_a_multi_valued_RDN_is_refused_with_a_code()
    {
        using var host = new PkiTestHost();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        {
            foreach (var (oid, value) in new[] { ("2.5.4.3", "Multi CA"), ("2.5.4.10", "Acme Corp") })
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
                }
            }
        }

        string certificatePem = SelfSignedCa(key, new X500DistinguishedName(writer.Encode()));
        var error = await RefusedAsync(async () => await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "x", CertificatePem = certificatePem, PrivateKeyPem = PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()),
        }));
        Assert.Equal(PkiErrorCode.InvalidName, error.Code);
        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Import_of_a_PKCS12_with_a_wrong_or_missing_password_is_InvalidKey()
    {
        using var host = new PkiTestHost();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(
            string.Concat(SelfSignedCa(key, new X500DistinguishedName("CN=P12 CA")).Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));
        using var withKey = certificate.CopyWithPrivateKey(key);
        byte[] pfx = withKey.Export(X509ContentType.Pfx, "right");
        foreach (string? password in new[] { "wrong", null, "", "right\0", new string('x', 100_000) })
        {
            var error = await RefusedAsync(async () => await host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "x", Pkcs12 = pfx, Password = password }));
            Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        }

        Assert.Equal(0, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Import_with_a_key_PEM_whose_label_lies_about_the_key_type_is_InvalidKey()
    {
        using var host = new PkiTestHost();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        string certificatePem = SelfSignedCa(key, new X500DistinguishedName("CN=Label CA"));
        foreach (string keyPem in new[]
        {
            PemEncoding.WriteString("RSA PRIVATE KEY", key.ExportECPrivateKey()),
            PemEncoding.WriteString("EC PRIVATE KEY", rsa.ExportRSAPrivateKey()),
            PemEncoding.WriteString("PRIVATE KEY", key.ExportECPrivateKey()),
            PemEncoding.WriteString("PRIVATE KEY", rsa.ExportPkcs8PrivateKey()),
            PemEncoding.WriteString("CERTIFICATE", key.ExportPkcs8PrivateKey()) + PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()),
            "garbage\n" + PemEncoding.WriteString("ENCRYPTED PRIVATE KEY", key.ExportPkcs8PrivateKey()),
        })
        {
            var error = await RefusedAsync(async () => await host.Authority.ImportAsync(new ImportAuthorityRequest
            {
                Name = "x", CertificatePem = certificatePem, PrivateKeyPem = keyPem, Password = "p",
            }));
            Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        }

        Assert.Equal(0, await CountKeysAsync(host));
    }

    private static string SelfSignedCa(ECDsa key, X500DistinguishedName subject, params X509Extension[] extensions) =>
        PemEncoding.WriteString("CERTIFICATE", SelfSignedCaDer(key, subject, extensions));

    private static byte[] SelfSignedCaDer(ECDsa key, X500DistinguishedName subject, params X509Extension[] extensions)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (!extensions.Any(e => e.Oid?.Value == "2.5.29.19"))
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        }

        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        return certificate.RawData;
    }

    // ---- issuance ----

    [Theory]
    [InlineData("Acme\0Corp")]
    [InlineData("Acme {lo}")]
    public async Task Issue_with_a_hostile_owner_organization_is_InvalidRequest_and_stores_nothing(string organization)
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        int keys = await CountKeysAsync(host);
        var error = await RefusedAsync(async () => await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CommonName = "a@example.com", Organization = Unpaired(organization),
        }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Equal(keys, await CountKeysAsync(host));
    }

    [Fact]
    public async Task Issue_with_100k_SANs_or_a_1_MB_name_is_refused_with_a_code()
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var many = new SubjectAlternativeNames(dnsNames: Enumerable.Range(0, 100_000).Select(i => $"h{i}.example.com"));
        var error = await RefusedAsync(async () => await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, SubjectAlternativeNames = many,
        }));
        Assert.Equal(PkiErrorCode.InputTooLarge, error.Code);

        error = await RefusedAsync(async () => await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CommonName = new string('a', 1 << 20),
        }));
        Assert.Equal(PkiErrorCode.InvalidName, error.Code);

        error = await RefusedAsync(async () => await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CommonName = "a.example.com",
            SubjectAlternativeNames = new SubjectAlternativeNames(uris: [new Uri("https://example.com/" + new string('a', 1 << 20))]),
        }));
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, error.Code);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    public async Task Issue_validity_out_of_range_is_PolicyViolation(int days)
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var error = await RefusedAsync(async () => await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CommonName = "a@example.com", ValidityDays = days,
        }));
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
    }

    // ---- tokens ----

    [Theory]
    [InlineData("token {hi}")]
    [InlineData("token\u2028\0")]
    public async Task Token_with_a_hostile_name_is_InvalidRequest(string name)
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var error = await RefusedAsync(async () => await host.Get<IRequestTokenService>().CreateAsync(new CreateRequestTokenRequest
        {
            Name = Unpaired(name), Authority = CaReference.ById(issuing.Id),
        }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Theory]
    [InlineData("Acme\0Corp")]
    [InlineData("Acme {hi}")]
    [InlineData("")]
    public async Task Token_with_a_hostile_owner_organization_is_InvalidRequest(string organization)
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var error = await RefusedAsync(async () => await host.Get<IRequestTokenService>().CreateAsync(new CreateRequestTokenRequest
        {
            Name = "t", Authority = CaReference.ById(issuing.Id), OwnerOrganization = Unpaired(organization),
        }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task Token_expiry_and_validity_at_the_extremes_are_refused_with_codes()
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var tokens = host.Get<IRequestTokenService>();
        var request = new CreateRequestTokenRequest { Name = "t", Authority = CaReference.ById(issuing.Id) };
        Assert.Equal(PkiErrorCode.InvalidRequest, (await RefusedAsync(async () => await tokens.CreateAsync(request with { ExpiresAt = DateTimeOffset.MaxValue }))).Code);
        Assert.Equal(PkiErrorCode.InvalidRequest, (await RefusedAsync(async () => await tokens.CreateAsync(request with { ExpiresAt = DateTimeOffset.MinValue }))).Code);
        Assert.Equal(PkiErrorCode.InvalidRequest, (await RefusedAsync(async () => await tokens.CreateAsync(request with { ValidYears = int.MaxValue }))).Code);
        Assert.Equal(PkiErrorCode.PolicyViolation, (await RefusedAsync(async () => await tokens.CreateAsync(request with { ValidityDays = int.MinValue }))).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("crt_")]
    [InlineData("crt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9")]
    [InlineData("crt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA{hi}")]
    [InlineData("crt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Redeeming_an_almost_valid_secret_is_TokenNotFound(string secret)
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Get<IRequestTokenService>().RedeemAsync(new RedeemRequestTokenRequest
        {
            Secret = Unpaired(secret), Csr = CsrInput.FromPem("x"),
        }));
        Assert.Equal(PkiErrorCode.TokenNotFound, error.Code);
    }

    [Fact]
    public async Task Redeeming_a_10_MB_secret_is_TokenNotFound()
    {
        using var host = new PkiTestHost();
        var error = await RefusedAsync(async () => await host.Get<IRequestTokenService>().RedeemAsync(new RedeemRequestTokenRequest
        {
            Secret = "crt_" + new string('A', 10 << 20), Csr = CsrInput.FromPem("x"),
        }));
        Assert.Equal(PkiErrorCode.TokenNotFound, error.Code);
    }

    // ---- revocation ----

    [Theory]
    [InlineData("bad\0comment")]
    [InlineData("bad {hi} comment")]
    public async Task Revocation_comment_with_NUL_or_an_unpaired_surrogate_is_InvalidRequest_and_changes_nothing(string comment)
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CommonName = "a@example.com" });
        var revocation = host.Get<IRevocationService>();
        var error = await RefusedAsync(async () => await revocation.RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.ById(issued.Record.Id), Comment = Unpaired(comment),
        }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        Assert.Equal(CertificateStatus.Active, (await revocation.GetStatusAsync(CertificateReference.ById(issued.Record.Id))).Status);
    }

    [Fact]
    public async Task OCSP_responder_outliving_its_CA_is_PolicyViolation_and_keeps_no_key()
    {
        using var host = new PkiTestHost();
        var root = await host.Authority.CreateRootAsync(Root() with { ValidityDays = 20 });
        int keys = await CountKeysAsync(host);
        var error = await RefusedAsync(async () => await host.Get<IRevocationService>().IssueOcspSigningCertificateAsync(CaReference.ById(root.Id), validityDays: 365));
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
        Assert.Equal(keys, await CountKeysAsync(host));
    }

    // ---- options ----

    [Theory]
    [InlineData("1.40")]
    [InlineData("1.3.6.1.05")]
    [InlineData("0.99.1")]
    public void Profile_with_an_EKU_that_is_not_an_encodable_OID_fails_start_up(string oid)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new PkiTestHost(o => o.Profiles[CertificateProfiles.Server].ExtendedKeyUsages.Add(oid)));
        Assert.Contains(oid, error.Message, StringComparison.Ordinal);
    }
}
