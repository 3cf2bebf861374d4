using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance;

public sealed class SignCsrTests : IClassFixture<HierarchyFixture>
{
    private readonly HierarchyFixture _ca;

    public SignCsrTests(HierarchyFixture ca) => _ca = ca;

    private static string Csr(string subject, params X509Extension[] extensions)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        return request.CreateSigningRequestPem();
    }

    private Task<IssuedCertificate> Sign(string csrPem, string profile = CertificateProfiles.Server, Func<SignCsrRequest, SignCsrRequest>? change = null)
    {
        var request = new SignCsrRequest { Authority = CaReference.ById(_ca.Issuing.Id), Profile = profile, CsrPem = csrPem };
        return _ca.Host.Signer.SignAsync(change is null ? request : change(request)).AsTask();
    }

    [Fact]
    public async Task Subject_sans_and_key_come_from_the_csr()
    {
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("api.example.com");
        sans.AddDnsName("api-v2.example.com");
        sans.AddIpAddress(IPAddress.Parse("10.0.0.42"));
        string pem = Csr("CN=api.example.com, O=Acme Corp, C=US", sans.Build());

        var issued = await Sign(pem);

        Assert.Equal("CN=api.example.com,O=Acme Corp,C=US", issued.Record.Subject.ToString());
        Assert.Equal(["api.example.com", "api-v2.example.com"], issued.Record.SubjectAlternativeNames.DnsNames);
        Assert.Equal([IPAddress.Parse("10.0.0.42")], issued.Record.SubjectAlternativeNames.IpAddresses);
        var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        using var certificate = issued.ToX509Certificate2();
        Assert.Equal(request.PublicKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        CertificateAssertions.MatchesRecord(issued);
    }

    [Fact]
    public async Task Overrides_replace_common_name_subject_sans_and_validity()
    {
        string pem = Csr("CN=requested.example.com, O=Requested");

        var issued = await Sign(pem, change: r => r with
        {
            Subject = DistinguishedName.Parse("CN=ignored,O=Acme Corp,C=US"),
            CommonName = "final.example.com",
            SubjectAlternativeNames = new SubjectAlternativeNames(["alt.example.com"]),
            ValidityDays = 10,
        });

        Assert.Equal("CN=final.example.com,O=Acme Corp,C=US", issued.Record.Subject.ToString());
        Assert.Equal(["alt.example.com", "final.example.com"], issued.Record.SubjectAlternativeNames.DnsNames); // the CN joins its SANs
        Assert.Equal(10, issued.Record.ValidityDays);
    }

    [Fact]
    public async Task The_ca_can_be_chosen_by_name()
    {
        var issued = await _ca.Host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ByName(_ca.Issuing.Name), Profile = CertificateProfiles.Client, CsrPem = Csr("CN=bob"),
        });
        Assert.Equal(_ca.Issuing.Id, issued.Record.CertificateAuthority.Id);
    }

    [Fact]
    public async Task A_csr_asking_to_be_a_ca_gets_an_end_entity_certificate()
    {
        string pem = Csr("CN=sneaky.example.com",
            new X509BasicConstraintsExtension(true, false, 0, true),
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));

        var issued = await Sign(pem);

        using var certificate = issued.ToX509Certificate2();
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
    }

    [Fact]
    public async Task Other_requested_extensions_are_never_copied()
    {
        string pem = Csr("CN=copy.example.com",
            new X509Extension("1.2.3.4.5", [0x05, 0x00], critical: false),
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));

        var issued = await Sign(pem);

        using var certificate = issued.ToX509Certificate2();
        Assert.DoesNotContain(certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == "1.2.3.4.5");
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], eku);
    }

    [Fact]
    public async Task Malformed_san_overrides_are_refused()
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => Sign(Csr("CN=x.example.com"), change: r => r with
        {
            SubjectAlternativeNames = new SubjectAlternativeNames(["bad name!"]),
        }));
        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, error.Code);
    }

    [Fact]
    public async Task Pem_and_der_must_not_both_be_given()
    {
        string pem = Csr("CN=x.example.com");
        var error = await Assert.ThrowsAsync<PkiException>(() => Sign(pem, change: r => r with { CsrDer = new byte[] { 0x30, 0x00 } }));
        Assert.Equal(PkiErrorCode.InvalidRequest, error.Code);
        var neither = await Assert.ThrowsAsync<PkiException>(() => Sign(pem, change: r => r with { CsrPem = null }));
        Assert.Equal(PkiErrorCode.InvalidRequest, neither.Code);
    }

    [Fact]
    public async Task Der_input_works_like_pem()
    {
        using var key = RSA.Create(2048);
        byte[] der = new CertificateRequest("CN=der.example.com", key, HashAlgorithmName.SHA384, RSASignaturePadding.Pss).CreateSigningRequest();

        var issued = await _ca.Host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(_ca.Issuing.Id), Profile = CertificateProfiles.Server, CsrDer = der });

        Assert.Equal("RSA", issued.Record.PublicKeyAlgorithm);
        using var certificate = issued.ToX509Certificate2();
        Assert.True(certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyEncipherment));
    }

    [Property(MaxTest = 300)]
    public Property Mutated_csrs_never_escape_as_anything_but_PkiException(PositiveInt position, byte value, bool insert)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("m.example.com");
        byte[] der = new CertificateRequest("CN=m.example.com,O=Acme", key, HashAlgorithmName.SHA256) { CertificateExtensions = { sans.Build() } }.CreateSigningRequest();
        int at = position.Get % der.Length;
        byte[] mutated = insert ? [.. der[..at], value, .. der[at..]] : [.. der];
        if (!insert)
        {
            mutated[at] ^= (byte)(value == 0 ? 1 : value);
        }

        try
        {
            _ca.Host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(_ca.Issuing.Id), Profile = CertificateProfiles.Server, CsrDer = mutated })
                .AsTask().GetAwaiter().GetResult();
            // Signed: then the mutation cannot have touched what the signature covers, nor the signature itself.
            return SameSignedContent(der, mutated).Label("a mutated CSR was signed although its signed content changed");
        }
        catch (PkiException)
        {
            return true.ToProperty();
        }
    }

    /// <summary>True when <paramref name="mutated"/> still holds the same CertificationRequestInfo and signature as <paramref name="original"/>.</summary>
    private static bool SameSignedContent(byte[] original, byte[] mutated)
    {
        try
        {
            var before = new Org.BouncyCastle.Pkcs.Pkcs10CertificationRequest(original);
            var after = new Org.BouncyCastle.Pkcs.Pkcs10CertificationRequest(mutated);
            return before.GetCertificationRequestInfo().GetEncoded().AsSpan().SequenceEqual(after.GetCertificationRequestInfo().GetEncoded())
                && before.GetSignatureOctets().AsSpan().SequenceEqual(after.GetSignatureOctets());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false; // not even BouncyCastle's lenient reader finds the same request in it
        }
    }
}
