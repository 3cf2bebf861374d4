using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys;

/// <summary>Every classical key type: CSR generation → ICsrSigner → the key is married → PFX / PKCS#8 recovery, checked by .NET and OpenSSL.</summary>
public sealed class KeyRecoveryTests(HierarchyFixture ca) : IClassFixture<HierarchyFixture>
{
    private const string Password = "correct horse battery staple";

    public static TheoryData<string, int?, string?> ClassicalKeys => new()
    {
        { "ECC", null, "1.2.840.10045.3.1.7" },
        { "ECC", null, "secp384r1" },
        { "ECC", 521, null },
        { "RSA", 2048, null },
        { "RSA", 3072, null },
        { "RSA", 4096, null },
        { "Ed25519", null, null },
    };

    private ICsrGenerator Generator => ca.Host.Get<ICsrGenerator>();

    private IPrivateKeyExporter Exporter => ca.Host.Get<IPrivateKeyExporter>();

    [Theory]
    [MemberData(nameof(ClassicalKeys))]
    public async Task Generated_CSR_is_signed_married_to_its_key_and_recovered_as_PFX(string keyType, int? keyLength, string? curve)
    {
        var spec = KeySpecification.Parse(keyType, keyLength, curve);
        var generated = await Generator.GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Parse("CN=app.example.com,O=Acme Corp,C=US"),
            SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["app.example.com", "www.example.com"], ipAddresses: [CertificateAssertions.Ip("192.0.2.7")]),
            Key = spec,
        });
        using var openssl = new OpenSsl();
        var verify = openssl.Run("req", "-in", openssl.Write("x.csr", generated.CsrPem), "-verify", "-noout");
        Assert.True(verify.ExitCode == 0, verify.Output);

        var issued = await ca.Host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, CsrPem = generated.CsrPem });

        Assert.Equal(generated.PrivateKeyId, issued.Record.PrivateKeyId);
        Assert.Equal(["app.example.com", "www.example.com"], issued.Record.SubjectAlternativeNames.DnsNames);
        var pfx = await Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs12, Password);
        string pfxPath = openssl.Write("x.pfx", pfx.Data.ToArray());
        var info = openssl.Run("pkcs12", "-in", pfxPath, "-info", "-nokeys", "-passin", "pass:" + Password);
        Assert.True(info.ExitCode == 0, info.Output);
        Assert.Contains("PBES2, PBKDF2, AES-256-CBC", info.Output);
        Assert.Contains("Test Issuing CA", info.Output);

        // The key in the PFX is the key of the CSR and the certificate.
        var plain = await Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null);
        var keys = openssl.Run("pkcs12", "-in", pfxPath, "-nocerts", "-nodes", "-passin", "pass:" + Password);
        Assert.True(keys.ExitCode == 0, keys.Output);
        Assert.Contains(plain.Pem!.Trim().Split('\n')[1], keys.Output);
        var publicOfKey = openssl.Run("pkey", "-in", openssl.Write("k.pem", plain.Pem), "-pubout");
        var publicOfCertificate = openssl.Run("x509", "-in", openssl.Write("c.pem", issued.CertificatePem), "-pubkey", "-noout");
        Assert.Equal(publicOfCertificate.Output, publicOfKey.Output);

        if (spec.KeyType != "Ed25519")
        {
            using var loaded = X509CertificateLoader.LoadPkcs12(pfx.Data.Span, Password, X509KeyStorageFlags.EphemeralKeySet);
            Assert.True(loaded.HasPrivateKey);
            Assert.Equal(issued.Record.FingerprintSha256, loaded.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant());
            AssertKeyMatches(loaded);
            var collection = X509CertificateLoader.LoadPkcs12Collection(pfx.Data.Span, Password, X509KeyStorageFlags.EphemeralKeySet);
            Assert.Equal(3, collection.Count);
        }
    }

    [Theory]
    [MemberData(nameof(ClassicalKeys))]
    public async Task Encrypted_PKCS8_opens_with_the_password_in_OpenSSL(string keyType, int? keyLength, string? curve)
    {
        var issued = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id),
            Profile = CertificateProfiles.Client,
            Subject = DistinguishedName.Parse("CN=alice,O=Acme Corp"),
            Key = KeySpecification.Parse(keyType, keyLength, curve),
        });
        Assert.NotNull(issued.Record.PrivateKeyId);

        var encrypted = await Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.EncryptedPkcs8Pem, Password);
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", encrypted.Pem);
        using var openssl = new OpenSsl();
        var decrypted = openssl.Run("pkey", "-in", openssl.Write("k.pem", encrypted.Pem!), "-passin", "pass:" + Password);
        Assert.True(decrypted.ExitCode == 0, decrypted.Output);
        Assert.Contains(issued.PrivateKeyPem!.Trim(), decrypted.Output.Replace("\r", "", StringComparison.Ordinal));
        var wrong = openssl.Run("pkey", "-in", openssl.Write("k2.pem", encrypted.Pem!), "-passin", "pass:wrong");
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Fact]
    public async Task Dotnet_imports_the_encrypted_PKCS8()
    {
        var issued = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=a.example.com"),
        });
        var encrypted = await Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.EncryptedPkcs8Pem, Password);
        using var key = ECDsa.Create();
        key.ImportFromEncryptedPem(encrypted.Pem, Password);
        using var certificate = issued.ToX509Certificate2();
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task A_CSR_not_generated_by_the_library_has_no_key_to_export()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issued = await ca.Host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, CsrPem = TestCsrs.Pem(TestCsrs.DotNet(key)),
        });

        Assert.Null(issued.Record.PrivateKeyId);
        var error = await Assert.ThrowsAsync<PkiException>(() => Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs12, Password).AsTask());
        Assert.Equal(PkiErrorCode.PrivateKeyNotFound, error.Code);
        Assert.Equal(404, error.HttpStatusCode);
    }

    [Fact]
    public async Task IncludePrivateKey_false_keeps_no_key()
    {
        var issued = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=b.example.com"), IncludePrivateKey = false,
        });

        Assert.Null(issued.PrivateKeyPem);
        Assert.Null(issued.Record.PrivateKeyId);
        var error = await Assert.ThrowsAsync<PkiException>(() => Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask());
        Assert.Equal(PkiErrorCode.PrivateKeyNotFound, error.Code);
    }

    [Fact]
    public async Task Unknown_certificate_is_CertificateNotFound()
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => Exporter.ExportAsync("0123456789abcdef0123456789abcdef", PrivateKeyExportFormat.Pkcs8Pem, null).AsTask());
        Assert.Equal(PkiErrorCode.CertificateNotFound, error.Code);
    }

    [Theory]
    [InlineData(PrivateKeyExportFormat.Pkcs12, null)]
    [InlineData(PrivateKeyExportFormat.Pkcs12, "")]
    [InlineData(PrivateKeyExportFormat.EncryptedPkcs8Pem, null)]
    [InlineData(PrivateKeyExportFormat.Pkcs8Pem, "secret")]
    [InlineData((PrivateKeyExportFormat)99, "secret")]
    [InlineData(PrivateKeyExportFormat.Pkcs12, "pass\0word")] // .NET's PKCS#12 writer would throw ArgumentException
    [InlineData(PrivateKeyExportFormat.EncryptedPkcs8Pem, "tab\tbed")]
    [InlineData(PrivateKeyExportFormat.Pkcs12, "del\u007F")]
    public async Task Bad_passwords_and_formats_are_InvalidRequest(PrivateKeyExportFormat format, string? password)
    {
        var issued = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=c.example.com"),
        });
        var error = await Assert.ThrowsAsync<PkiException>(() => Exporter.ExportAsync(issued.Record.Id, format, password).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task A_password_that_is_not_valid_UTF16_is_refused()
    {
        var issued = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=e.example.com"),
        });
        string lone = "pass" + (char)0xD800;
        var error = await Assert.ThrowsAsync<PkiException>(() => Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs12, lone).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task A_non_ASCII_password_works_in_Dotnet_and_OpenSSL_for_ECDSA_and_Ed25519()
    {
        const string unicode = "pässwörd ✓";
        var ecdsa = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=f.example.com"),
        });
        var pfx = await Exporter.ExportAsync(ecdsa.Record.Id, PrivateKeyExportFormat.Pkcs12, unicode);
        using (var loaded = X509CertificateLoader.LoadPkcs12(pfx.Data.Span, unicode, X509KeyStorageFlags.EphemeralKeySet))
        {
            Assert.True(loaded.HasPrivateKey);
        }

        using var openssl = new OpenSsl();
        var info = openssl.Run("pkcs12", "-in", openssl.Write("u.pfx", pfx.Data.ToArray()), "-info", "-nokeys", "-passin", "pass:" + unicode);
        Assert.True(info.ExitCode == 0, info.Output);

        var ed25519 = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=g.example.com"), KeyAlgorithm = KeyAlgorithm.Ed25519,
        });
        var edPfx = await Exporter.ExportAsync(ed25519.Record.Id, PrivateKeyExportFormat.Pkcs12, unicode);
        var edKeys = openssl.Run("pkcs12", "-in", openssl.Write("e.pfx", edPfx.Data.ToArray()), "-nocerts", "-nodes", "-passin", "pass:" + unicode);
        Assert.True(edKeys.ExitCode == 0, edKeys.Output);
        Assert.Contains(ed25519.PrivateKeyPem!.Trim().Split('\n')[1], edKeys.Output);
    }

    [Fact]
    public async Task A_password_longer_than_1024_characters_is_refused()
    {
        var issued = await ca.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=d.example.com"),
        });
        var error = await Assert.ThrowsAsync<PkiException>(() => Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs12, new string('p', 1025)).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);

        // Counted in UTF-8 bytes, as PBES2 and OpenSSL (which reads at most 1024 bytes of a password) see it.
        var utf8 = await Assert.ThrowsAsync<PkiException>(() =>
            Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.EncryptedPkcs8Pem, new string('a', 1023) + "é").AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, utf8.Code);
        string longest = new('é', 512); // 1024 bytes
        var exported = await Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.EncryptedPkcs8Pem, longest);
        using var openssl = new OpenSsl();
        var opened = openssl.Run("pkey", "-in", openssl.Write("long.pem", exported.Data.ToArray()), "-passin", "pass:" + longest, "-noout");
        Assert.True(opened.ExitCode == 0, opened.Output);

        // PKCS#12 keeps the character limit: OpenSSL opens it with a longer UTF-8 password.
        string wide = new('é', 600); // 1,200 bytes
        var pfx = await Exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs12, wide);
        var info = openssl.Run("pkcs12", "-in", openssl.Write("wide.pfx", pfx.Data.ToArray()), "-nodes", "-passin", "pass:" + wide);
        Assert.True(info.ExitCode == 0, info.Output);
    }

    [Fact]
    public void Exported_key_ToString_never_shows_the_key()
    {
        var exported = new ExportedPrivateKey("id", PrivateKeyExportFormat.Pkcs8Pem, "-----BEGIN PRIVATE KEY-----"u8.ToArray());
        Assert.DoesNotContain("BEGIN", exported.ToString(), StringComparison.Ordinal);
    }

    private static void AssertKeyMatches(X509Certificate2 certificate)
    {
        byte[] data = RandomNumberGenerator.GetBytes(64);
        if (certificate.GetECDsaPrivateKey() is { } ecdsa)
        {
            using (ecdsa)
            using (var publicKey = certificate.GetECDsaPublicKey()!)
            {
                Assert.True(publicKey.VerifyData(data, ecdsa.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
            }

            return;
        }

        using var rsa = certificate.GetRSAPrivateKey()!;
        using var rsaPublic = certificate.GetRSAPublicKey()!;
        Assert.True(rsaPublic.VerifyData(data, rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
