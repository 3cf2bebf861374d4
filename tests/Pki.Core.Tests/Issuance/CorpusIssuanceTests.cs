using Pki.Core.Tests.Issuance.Csr;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance;

/// <summary>
/// The corpus through the public <see cref="ICsrSigner"/>: every ACCEPT file yields a certificate that
/// <c>openssl verify -x509_strict</c> accepts; every REJECT file yields a <see cref="PkiException"/> with its code.
/// </summary>
public sealed class CorpusIssuanceTests : IClassFixture<MixedHierarchyFixture>
{
    private readonly MixedHierarchyFixture _ca;

    public CorpusIssuanceTests(MixedHierarchyFixture ca) => _ca = ca;


    public static TheoryData<string, string, int> ValidFiles => CsrReaderCorpusTests.ValidFiles;

    public static TheoryData<string, PkiErrorCode> RejectedFiles => CsrReaderCorpusTests.RejectedFiles;

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public async Task Accepted_files_issue_a_certificate_that_openssl_verifies(string file, string family, int size)
    {
        var issued = await _ca.Host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(_ca.Issuing.Id),
            Profile = CertificateProfiles.Dual,
            CsrPem = File.ReadAllText(Corpus.Path(file)),
            SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["corpus.example.com"]),
            ValidityDays = 30,
        });

        Assert.Equal(family, issued.Record.PublicKeyAlgorithm);
        Assert.Equal(size, issued.Record.PublicKeySize);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", issued.Record.Csr, StringComparison.Ordinal);
        if (family == "ML-DSA")
        {
            // OpenSSL 3.0 cannot decode an ML-DSA subject key ("X509_PUBKEY_get0: decode error"): BouncyCastle checks it.
            Assert.True(PqcCertificates.VerifiedBy(PqcCertificates.Parse(issued.CertificateDer.ToArray()), PqcCertificates.Parse(_ca.Issuing.CertificatePem)));
        }
        else
        {
            using var openssl = new OpenSsl();
            var result = openssl.Verify(_ca.Root.CertificatePem, _ca.Issuing.CertificatePem, issued.CertificatePem, "sslclient");
            Assert.True(result.ExitCode == 0, result.Output);
        }

        CertificateAssertions.MatchesRecord(issued);
    }

    [Theory]
    [MemberData(nameof(RejectedFiles))]
    public async Task Rejected_files_get_their_specific_code_and_nothing_is_stored(string file, PkiErrorCode code)
    {
        var before = await _ca.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = _ca.Issuing.Id, Limit = 1000 }).CountAsync();

        var error = await Assert.ThrowsAsync<PkiException>(() => _ca.Host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(_ca.Issuing.Id),
            Profile = CertificateProfiles.Dual,
            CsrPem = File.ReadAllText(Corpus.Path(file)),
        }).AsTask());

        Assert.Equal(code, error.Code);
        Assert.Equal(before, await _ca.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = _ca.Issuing.Id, Limit = 1000 }).CountAsync());
    }

    [Fact]
    public async Task The_sans_request_in_the_cfssl_csr_passes_through_the_profile_rules()
    {
        string pem = File.ReadAllText(Corpus.Path("csr/valid/cfssl-selfsign-sans.csr"));

        var dual = await _ca.Host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(_ca.Issuing.Id), Profile = CertificateProfiles.Dual, CsrPem = pem });
        Assert.NotEmpty(dual.Record.SubjectAlternativeNames.DnsNames);
        Assert.NotEmpty(dual.Record.SubjectAlternativeNames.EmailAddresses);
        Assert.NotEmpty(dual.Record.SubjectAlternativeNames.IpAddresses);
        Assert.NotEmpty(dual.Record.SubjectAlternativeNames.Uris);

        // The same request is refused by the server profile (email SAN) and the client profile (DNS and IP SANs).
        foreach (string profile in new[] { CertificateProfiles.Server, CertificateProfiles.Client })
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => _ca.Host.Signer.SignAsync(new SignCsrRequest
            {
                Authority = CaReference.ById(_ca.Issuing.Id), Profile = profile, CsrPem = pem,
            }).AsTask());
            Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);
        }
    }
}
