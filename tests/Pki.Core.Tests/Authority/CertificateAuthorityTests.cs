using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Authority;

public sealed class CertificateAuthorityTests
{
    private static readonly DistinguishedName RootSubject = DistinguishedName.Parse("CN=Acme Root CA,O=Acme Corp,C=US");

    [Fact]
    public async Task A_root_is_self_signed_with_ca_extensions()
    {
        using var host = new PkiTestHost();
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "root", Subject = RootSubject, PathLengthConstraint = 2 });

        using var certificate = X509Certificate2.CreateFromPem(root.CertificatePem);
        Assert.True(root.IsRoot);
        Assert.Null(root.ParentId);
        Assert.Equal(certificate.SubjectName.RawData, certificate.IssuerName.RawData);
        var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basic.Critical);
        Assert.True(basic.CertificateAuthority);
        Assert.Equal(2, basic.PathLengthConstraint);
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.Critical);
        Assert.True(usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.True(usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign));
        Assert.Equal(root.SubjectKeyIdentifier, certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!.ToLowerInvariant());
        Assert.Equal(root.FingerprintSha256, certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant());
        Assert.Equal(root, await host.Authority.GetAsync(CaReference.ByName("root")));
    }

    [Fact]
    public async Task An_intermediate_nests_under_its_parent_and_inherits_a_shorter_path()
    {
        using var host = new PkiTestHost();
        var (root, issuing) = await host.CreateHierarchyAsync();

        Assert.Equal(root.Id, issuing.ParentId);
        Assert.False(issuing.IsRoot);
        Assert.Equal(0, issuing.PathLengthConstraint);
        Assert.True(issuing.NotAfter <= root.NotAfter);
        string chain = await host.Authority.GetChainPemAsync(CaReference.ById(issuing.Id));
        Assert.Equal(issuing.CertificatePem + root.CertificatePem, chain);

        using var certificate = X509Certificate2.CreateFromPem(issuing.CertificatePem);
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(root.SubjectKeyIdentifier, Convert.ToHexStringLower(aki.KeyIdentifier!.Value.Span));

        // The subordinate CA certificate is also recorded as a certificate its parent issued.
        var records = await host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = root.Id }).ToListAsync();
        var record = Assert.Single(records);
        Assert.Equal(CertificateType.CertificateAuthority, record.Type);
        Assert.Equal(issuing.SerialNumber, record.SerialNumber);
    }

    [Fact]
    public async Task A_ca_with_path_length_zero_cannot_sign_another_ca()
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "too deep",
            Parent = CaReference.ById(issuing.Id),
            Subject = DistinguishedName.Create(commonName: "Too Deep CA"),
        }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
    }

    [Fact]
    public async Task Names_are_unique_within_an_organization()
    {
        using var host = new PkiTestHost();
        await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "ca", Organization = "acme", Subject = RootSubject });
        await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "ca", Organization = "globex", Subject = RootSubject });

        var error = await Assert.ThrowsAsync<PkiException>(() =>
            host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "ca", Organization = "acme", Subject = RootSubject }).AsTask());
        Assert.Equal(PkiErrorCode.Conflict, error.Code);
        Assert.Equal(2, (await host.Authority.ListAsync().ToListAsync()).Count);
        Assert.Single(await host.Authority.ListAsync(new AuthorityQuery { Organization = "acme" }).ToListAsync());
    }

    [Fact]
    public async Task Unknown_cas_are_not_found()
    {
        using var host = new PkiTestHost();
        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.GetAsync(CaReference.ByName("nope")).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityNotFound, error.Code);
        Assert.Equal(404, error.HttpStatusCode);
    }

    [Fact]
    public async Task An_intermediate_that_would_outlive_its_parent_is_rejected_or_clipped()
    {
        using var strict = new PkiTestHost();
        var root = await strict.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "root", Subject = RootSubject, ValidityDays = 100 });
        var error = await Assert.ThrowsAsync<PkiException>(() => strict.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "long", Parent = CaReference.ById(root.Id), Subject = DistinguishedName.Create(commonName: "Long"), ValidityDays = 200,
        }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
        Assert.Contains("after its issuing CA expires", error.Message, StringComparison.Ordinal);

        using var lenient = new PkiTestHost(o => o.ValidityNesting = ValidityNesting.Clip);
        var root2 = await lenient.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "root", Subject = RootSubject, ValidityDays = 100 });
        var clipped = await lenient.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "long", Parent = CaReference.ById(root2.Id), Subject = DistinguishedName.Create(commonName: "Long"), ValidityDays = 200,
        });
        Assert.Equal(root2.NotAfter, clipped.NotAfter);
    }

    [Fact]
    public async Task Issuing_from_an_expired_ca_fails()
    {
        var clock = PkiTestHost.FakeClock();
        using var host = new PkiTestHost(time: clock);
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "root", Subject = RootSubject, ValidityDays = 30 });
        clock.Advance(TimeSpan.FromDays(31));

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root.Id), Profile = CertificateProfiles.Server, CommonName = "a.example.com",
        }).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, error.Code);
    }

    [Fact]
    public async Task Import_from_pem_accepts_a_matching_ca_and_issues_from_it()
    {
        using var external = CreateExternalCa(out string certificatePem, out string keyPem);
        using var host = new PkiTestHost();

        var imported = await host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "ext", CertificatePem = certificatePem, PrivateKeyPem = keyPem });
        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(imported.Id), Profile = CertificateProfiles.Server, CommonName = "svc.example.com", ValidityDays = 30,
        });

        Assert.True(imported.IsRoot);
        Assert.Equal(KeyAlgorithm.EcdsaP384, imported.KeyAlgorithm);
        using var leaf = issued.ToX509Certificate2();
        using var ca = X509Certificate2.CreateFromPem(certificatePem);
        Assert.True(VerifyChain(leaf, ca));
    }

    [Fact]
    public async Task Import_from_pkcs12_and_encrypted_pkcs8_work()
    {
        using var external = CreateExternalCa(out string certificatePem, out _);
        using var host = new PkiTestHost();
        byte[] pfx = external.Export(X509ContentType.Pkcs12, "pw");
        var fromPfx = await host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "pfx", Pkcs12 = pfx, Password = "pw" });
        Assert.Equal(KeyAlgorithm.EcdsaP384, fromPfx.KeyAlgorithm);

        using var key = external.GetECDsaPrivateKey()!;
        string encrypted = key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        var fromEncrypted = await host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "enc", CertificatePem = certificatePem, PrivateKeyPem = encrypted, Password = "secret" });
        Assert.Equal(fromPfx.FingerprintSha256, fromEncrypted.FingerprintSha256);

        var wrongPassword = await Assert.ThrowsAsync<PkiException>(() =>
            host.Authority.ImportAsync(new ImportAuthorityRequest { Name = "bad", Pkcs12 = pfx, Password = "nope" }).AsTask());
        Assert.Equal(PkiErrorCode.InvalidKey, wrongPassword.Code);
    }

    [Fact]
    public async Task Import_refuses_key_derivations_with_more_iterations_than_it_runs()
    {
        // The counts are rewritten in the encodings (nothing is derived with them): the import must refuse before deriving.
        using var external = CreateExternalCa(out string certificatePem, out _);
        using var host = new PkiTestHost();
        using var key = external.GetECDsaPrivateKey()!;
        var encrypted = Org.BouncyCastle.Asn1.Pkcs.EncryptedPrivateKeyInfo.GetInstance(
            key.ExportEncryptedPkcs8PrivateKey("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        var pbes2 = Org.BouncyCastle.Asn1.Pkcs.PbeS2Parameters.GetInstance(encrypted.EncryptionAlgorithm.Parameters);
        var pbkdf2 = Org.BouncyCastle.Asn1.Pkcs.Pbkdf2Params.GetInstance(pbes2.KeyDerivationFunc.Parameters);
        var slow = new Org.BouncyCastle.Asn1.Pkcs.EncryptedPrivateKeyInfo(
            new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.IdPbeS2, new Org.BouncyCastle.Asn1.Pkcs.PbeS2Parameters(
                new Org.BouncyCastle.Asn1.Pkcs.KeyDerivationFunc(Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.IdPbkdf2,
                    new Org.BouncyCastle.Asn1.Pkcs.Pbkdf2Params(pbkdf2.GetSalt(), int.MaxValue, pbkdf2.Prf)),
                pbes2.EncryptionScheme)),
            encrypted.GetEncryptedData());
        string slowPem = PemEncoding.WriteString("ENCRYPTED PRIVATE KEY", slow.GetEncoded());

        var pfx = Org.BouncyCastle.Asn1.Pkcs.Pfx.GetInstance(external.Export(X509ContentType.Pkcs12, "pw"));
        var slowPfx = new Org.BouncyCastle.Asn1.Pkcs.Pfx(pfx.AuthSafe, new Org.BouncyCastle.Asn1.Pkcs.MacData(pfx.MacData.Mac, pfx.MacData.GetSalt(), int.MaxValue));

        foreach (var request in new[]
        {
            new ImportAuthorityRequest { Name = "slow-pem", CertificatePem = certificatePem, PrivateKeyPem = slowPem, Password = "secret" },
            new ImportAuthorityRequest { Name = "slow-pfx", Pkcs12 = slowPfx.GetEncoded(), Password = "pw" },
        })
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(request).AsTask());
            Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
            Assert.Contains("iterations", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Import_refuses_a_key_that_does_not_match()
    {
        using var external = CreateExternalCa(out string certificatePem, out _);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "ext", CertificatePem = certificatePem, PrivateKeyPem = other.ExportPkcs8PrivateKeyPem(),
        }).AsTask());
        Assert.Equal(PkiErrorCode.InvalidKey, error.Code);
        Assert.Empty(await host.Authority.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Import_refuses_a_certificate_that_is_not_a_ca()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var leaf = request.CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2030-01-01T00:00:00Z"));
        using var host = new PkiTestHost();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "leaf", CertificatePem = leaf.ExportCertificatePem(), PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(),
        }).AsTask());
        Assert.Equal(PkiErrorCode.NotACertificateAuthority, error.Code);
    }

    [Theory]
    [InlineData("not pem at all", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----", "x")]
    public async Task Import_turns_garbage_into_InvalidKey(string certificatePem, string keyPem)
    {
        using var host = new PkiTestHost();
        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "garbage", CertificatePem = certificatePem, PrivateKeyPem = keyPem,
        }).AsTask());
        Assert.True(error.Code is PkiErrorCode.InvalidKey or PkiErrorCode.InvalidRequest, error.Code.ToString());
    }

    [Fact]
    public async Task Import_links_an_intermediate_to_its_parent_held_by_the_library()
    {
        using var source = new PkiTestHost();
        var (root, issuing) = await source.CreateHierarchyAsync();
        // Export the intermediate with its key through a PKCS#12 built by .NET, then import both into a second host.
        using var host = new PkiTestHost();
        using var rootCertificate = X509Certificate2.CreateFromPem(root.CertificatePem);
        var importedRoot = await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "root", CertificatePem = root.CertificatePem, PrivateKeyPem = await ExportKeyPemAsync(source, root),
        });
        var importedIssuing = await host.Authority.ImportAsync(new ImportAuthorityRequest
        {
            Name = "issuing", CertificatePem = issuing.CertificatePem, PrivateKeyPem = await ExportKeyPemAsync(source, issuing),
        });

        Assert.Equal(importedRoot.Id, importedIssuing.ParentId);
        Assert.False(importedIssuing.IsRoot);
    }

    private static async Task<string> ExportKeyPemAsync(PkiTestHost host, AuthorityRecord authority)
    {
        var store = host.Get<IPrivateKeyStore>();
        var stored = await store.GetAsync(authority.KeyId, CancellationToken.None);
        var protector = host.Get<IPrivateKeyProtector>();
        byte[] pkcs8 = await protector.UnprotectAsync(authority.KeyId, stored!.ProtectedPkcs8, CancellationToken.None);
        return PemEncoding.WriteString("PRIVATE KEY", pkcs8);
    }

    private static X509Certificate2 CreateExternalCa(out string certificatePem, out string keyPem)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=External CA,O=Elsewhere", key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2036-01-01T00:00:00Z"));
        certificatePem = certificate.ExportCertificatePem();
        keyPem = key.ExportPkcs8PrivateKeyPem();
        return certificate;
    }

    private static bool VerifyChain(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
