using System.Security.Cryptography;
using Pki.Core.Issuance.Csr;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance.Csr;

/// <summary>
/// The shared corpus, file by file. Check order (see <see cref="CsrReader"/>): structure (DER, subject, requested
/// extensions) → key policy → signature algorithm → key import and signature; the first failure decides the code.
/// </summary>
public sealed class CsrReaderCorpusTests
{
    private static readonly CsrLimits Limits = new();
    private static readonly KeyPolicyOptions Policy = new();

    public static TheoryData<string, string, int> ValidFiles => new()
    {
        { "csr/valid/cfssl-initca-rsa2048.csr", "RSA", 2048 },
        { "csr/valid/cfssl-initca-rsa3072.csr", "RSA", 3072 },
        { "csr/valid/cfssl-initca-rsa4096.csr", "RSA", 4096 },
        { "csr/valid/cfssl-initca-ecdsa256.csr", "ECDSA", 256 },
        { "csr/valid/cfssl-initca-ecdsa384.csr", "ECDSA", 384 },
        { "csr/valid/cfssl-initca-ecdsa521.csr", "ECDSA", 521 },
        { "csr/valid/cfssl-initca-ed25519.csr", "Ed25519", 256 },
        { "csr/valid/cfssl-selfsign-sans.csr", "ECDSA", 256 },
        { "csr/valid/pyca-challenge.pem", "RSA", 2048 },
        { "csr/valid/pyca-challenge-unstructured.pem", "RSA", 2048 },
        { "csr/valid/pyca-ec_sha256-p384.pem", "ECDSA", 384 },
        // RFC 9881: id-ml-dsa-65 key and signature, parameters absent.
        { "pqc/pyca-mldsa65.csr.pem", "ML-DSA", 65 },
    };

    public static TheoryData<string, PkiErrorCode> RejectedFiles => new()
    {
        // Edge files: the documented strict verdicts.
        { "csr/edge/cfssl-selfsign-localhost-bad-country.csr", PkiErrorCode.InvalidName },
        { "csr/edge/cfssl-signer-san_domain-sha1.csr", PkiErrorCode.UnsupportedAlgorithm },
        { "csr/edge/pyca-san_rsa_sha1.pem", PkiErrorCode.UnsupportedAlgorithm },
        { "csr/edge/pyca-zero-element-attribute.pem", PkiErrorCode.InvalidCsr },
        // Irregular line lengths alone would be fine (whitespace may appear anywhere in the body), but the short
        // last line ends in "=BROKEN==", which is not base64: strict decoding rejects the block, as OpenSSL does.
        { "csr/edge/cfssl-api-broken_csr-irregular-pem-wrap.pem", PkiErrorCode.InvalidCsr },
        // Invalid files.
        { "csr/invalid/cfssl-helpers-test.bad.csr.pem", PkiErrorCode.InvalidCsr },
        { "csr/invalid/cfssl-signer-ex-rsa1024.csr", PkiErrorCode.WeakKey },
        { "csr/invalid/pyca-bad-version.pem", PkiErrorCode.InvalidCsr },
        { "csr/invalid/pyca-freeipa-bad-critical.pem", PkiErrorCode.InvalidCsr },
        // RSA-1024: the key policy runs before the signature is checked.
        { "csr/invalid/pyca-invalid_signature.pem", PkiErrorCode.WeakKey },
        // The [APPLICATION 32] value is legal DER (high-tag-number form for tag 32) inside an attribute that is not
        // interpreted, so the failure is the signature.
        { "csr/invalid/pyca-long-form-attribute.pem", PkiErrorCode.CsrSignatureInvalid },
        { "csr/invalid/pyca-rsa_md4.pem", PkiErrorCode.UnsupportedAlgorithm },
        // The duplicate extension is a structural error, found before the SHA-1 signature algorithm.
        { "csr/invalid/pyca-two_basic_constraints.pem", PkiErrorCode.InvalidCsr },
        // Unknown critical extensions are ignored (requested extensions are never copied); SHA-1 rejects it.
        { "csr/invalid/pyca-unsupported_extension_critical.pem", PkiErrorCode.UnsupportedAlgorithm },
        { "limbo/explicit_curve_leaf.csr", PkiErrorCode.UnsupportedAlgorithm },
        { "limbo/explicit_curve_ca.csr", PkiErrorCode.UnsupportedAlgorithm },
    };

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_corpus_file_parses_with_the_expected_key(string file, string family, int size)
    {
        string pem = File.ReadAllText(Corpus.Path(file));

        ParsedCsr csr = CsrReader.Read(pem, Limits, Policy);

        Assert.Equal(family, csr.PublicKey.Family);
        Assert.Equal(size, csr.PublicKey.Size);
        Assert.False(csr.RequestsCertificateAuthority);
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_corpus_file_parses_the_same_from_der(string file, string family, int size)
    {
        ParsedCsr fromPem = CsrReader.Read(File.ReadAllText(Corpus.Path(file)), Limits, Policy);

        ParsedCsr fromDer = CsrReader.Read(fromPem.Der.ToArray(), Limits, Policy);

        Assert.Equal(family, fromDer.PublicKey.Family);
        Assert.Equal(size, fromDer.PublicKey.Size);
        Assert.Equal(fromPem.Subject, fromDer.Subject);
        Assert.Equal(fromPem.RequestedNames, fromDer.RequestedNames);
        Assert.True(fromPem.PublicKey.SubjectPublicKeyInfo.Span.SequenceEqual(fromDer.PublicKey.SubjectPublicKeyInfo.Span));
    }

    [Theory]
    [MemberData(nameof(RejectedFiles))]
    public void Rejected_corpus_file_fails_with_its_specific_code(string file, PkiErrorCode expected)
    {
        string pem = File.ReadAllText(Corpus.Path(file));

        var exception = Assert.Throws<PkiException>(() => CsrReader.Read(pem, Limits, Policy));

        Assert.Equal(expected, exception.Code);
    }

    [Fact]
    public void Every_corpus_csr_is_in_one_of_the_tables()
    {
        var listed = ValidFiles.Select(row => (string)row[0]).Concat(RejectedFiles.Select(row => (string)row[0])).ToHashSet();
        var onDisk = Directory.EnumerateFiles(System.IO.Path.Combine(Corpus.Root, "csr"), "*", SearchOption.AllDirectories)
            .Select(path => System.IO.Path.GetRelativePath(Corpus.Root, path).Replace(System.IO.Path.DirectorySeparatorChar, '/'));

        Assert.All(onDisk, file => Assert.Contains(file, listed));
    }

    [Fact]
    public void Sans_file_yields_every_requested_name_type()
    {
        ParsedCsr csr = CsrReader.Read(File.ReadAllText(Corpus.Path("csr/valid/cfssl-selfsign-sans.csr")), Limits, Policy);

        Assert.Equal(["cloudflare.com", "www.cloudflare.com"], csr.RequestedNames.DnsNames);
        Assert.Equal(["jdoe@example.com"], csr.RequestedNames.EmailAddresses);
        Assert.Equal([System.Net.IPAddress.Parse("192.168.0.1")], csr.RequestedNames.IpAddresses);
        Assert.Equal("https://www.cloudflare.com", Assert.Single(csr.RequestedNames.Uris).OriginalString);
        Assert.Equal("irrelevant", csr.Subject.CommonName);
    }

    [Fact]
    public void Parsed_csr_keeps_the_der_and_the_exact_spki()
    {
        string pem = File.ReadAllText(Corpus.Path("csr/valid/cfssl-initca-ecdsa256.csr"));
        var request = System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequestPem(
            pem, HashAlgorithmName.SHA256, System.Security.Cryptography.X509Certificates.CertificateRequestLoadOptions.Default);

        ParsedCsr csr = CsrReader.Read(pem, Limits, Policy);

        Assert.Equal(request.PublicKey.ExportSubjectPublicKeyInfo(), csr.PublicKey.SubjectPublicKeyInfo.ToArray());
        Assert.Equal("C=US,O=CloudFlare,OU=Systems Engineering,L=San Francisco,ST=California,CN=cloudflare.com".Split(',').Reverse(),
            csr.Subject.ToString().Split(','));
    }
}
