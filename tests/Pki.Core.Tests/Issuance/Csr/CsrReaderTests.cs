using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Pki.Core.Issuance.Csr;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance.Csr;

public sealed class CsrReaderTests
{
    private const string SubjectAltName = "2.5.29.17";
    private const string BasicConstraints = "2.5.29.19";
    private static readonly CsrLimits Limits = new();
    private static readonly KeyPolicyOptions Policy = new();
    private static readonly ECDsa P256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly Lazy<RSA> Rsa2048 = new(() => RSA.Create(2048));

    private static ParsedCsr Read(byte[] der, KeyPolicyOptions? policy = null, CsrLimits? limits = null) =>
        CsrReader.Read(der, limits ?? Limits, policy ?? Policy);

    private static PkiErrorCode Fails(byte[] der, KeyPolicyOptions? policy = null, CsrLimits? limits = null) =>
        Assert.Throws<PkiException>(() => Read(der, policy, limits)).Code;

    private static PkiErrorCode FailsPem(string pem) =>
        Assert.Throws<PkiException>(() => CsrReader.Read(pem, Limits, Policy)).Code;

    [Theory]
    [InlineData("nistP256", 256)]
    [InlineData("nistP384", 384)]
    [InlineData("nistP521", 521)]
    public void Dotnet_ecdsa_csr_parses_with_its_curve_size(string curve, int size)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        byte[] der = TestCsrs.DotNet(key, hash: size == 521 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA384);

        ParsedCsr csr = Read(der);

        Assert.Equal("ECDSA", csr.PublicKey.Family);
        Assert.Equal(size, csr.PublicKey.Size);
        Assert.Equal("test.example.com", csr.Subject.CommonName);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), csr.PublicKey.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(der, csr.Der.ToArray());
        Assert.True(csr.RequestedNames.IsEmpty);
    }

    [Fact]
    public void Disallowed_curve_is_unsupported()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Fails(TestCsrs.DotNet(key), new KeyPolicyOptions { AllowP384 = false }));
    }

    [Fact]
    public void Rsa_pkcs1_csr_parses()
    {
        ParsedCsr csr = Read(TestCsrs.DotNet(Rsa2048.Value, RSASignaturePadding.Pkcs1));

        Assert.Equal("RSA", csr.PublicKey.Family);
        Assert.Equal(2048, csr.PublicKey.Size);
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public void Rsa_pss_csr_parses_when_allowed(string hash)
    {
        byte[] der = TestCsrs.DotNet(Rsa2048.Value, RSASignaturePadding.Pss, hash: new HashAlgorithmName(hash));

        Assert.Equal("RSA", Read(der).PublicKey.Family);
        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Fails(der, new KeyPolicyOptions { AllowRsaPss = false }));
    }

    [Theory]
    [InlineData("2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.1", 20)] // salt shorter than the hash
    [InlineData("2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.3", 32)] // MGF1 hash differs
    [InlineData("1.3.14.3.2.26", "1.3.14.3.2.26", 20)] // SHA-1
    public void Rsa_pss_with_unaccepted_parameters_is_unsupported(string hashOid, string mgfHashOid, int saltLength)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.1.10");
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(hashOid);
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.1.8");
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(mgfHashOid);
                    }
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
                {
                    writer.WriteInteger(saltLength);
                }
            }
        }

        byte[] info = TestCsrs.Info(Rsa2048.Value.ExportSubjectPublicKeyInfo(), TestCsrs.CommonName("x"));

        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Fails(TestCsrs.Assemble(info, writer.Encode(), new byte[256])));
    }

    [Fact]
    public void Rsa_key_below_the_policy_minimum_is_weak()
    {
        using var small = RSA.Create(1024);

        Assert.Equal(PkiErrorCode.WeakKey, Fails(TestCsrs.DotNet(small, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public void Rsa_key_above_the_policy_maximum_is_unsupported() =>
        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm,
            Fails(TestCsrs.DotNet(Rsa2048.Value, RSASignaturePadding.Pkcs1), new KeyPolicyOptions { MaximumRsaKeySize = 1024, MinimumRsaKeySize = 512 }));

    [Fact]
    public void Ed25519_csr_built_with_bouncycastle_parses()
    {
        byte[] der = Ed25519Csr();

        ParsedCsr csr = Read(der);

        Assert.Equal("Ed25519", csr.PublicKey.Family);
        Assert.Equal(256, csr.PublicKey.Size);
        Assert.Equal("ed.example.com", csr.Subject.CommonName);
    }

    [Fact]
    public void Ed25519_is_unsupported_when_the_policy_forbids_it() =>
        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Fails(Ed25519Csr(), new KeyPolicyOptions { AllowEd25519 = false }));

    [Fact]
    public void Ed25519_csr_with_a_changed_body_fails_the_signature()
    {
        byte[] der = Ed25519Csr();
        int index = der.AsSpan().IndexOf("ed.example"u8);
        der[index] = (byte)'f';

        Assert.Equal(PkiErrorCode.CsrSignatureInvalid, Fails(der));
    }

    [Fact]
    public void Changed_body_fails_the_ecdsa_signature()
    {
        byte[] der = TestCsrs.DotNet(P256, "CN=abc.example.com");
        der[der.AsSpan().IndexOf("abc"u8)] = (byte)'x';

        Assert.Equal(PkiErrorCode.CsrSignatureInvalid, Fails(der));
    }

    [Fact]
    public void Changed_body_fails_the_rsa_signature()
    {
        byte[] der = TestCsrs.DotNet(Rsa2048.Value, RSASignaturePadding.Pss, "CN=abc.example.com");
        der[der.AsSpan().IndexOf("abc"u8)] = (byte)'x';

        Assert.Equal(PkiErrorCode.CsrSignatureInvalid, Fails(der));
    }

    [Fact]
    public void Rsa_signature_algorithm_with_an_ec_key_is_unsupported()
    {
        byte[] info = TestCsrs.Info(P256.ExportSubjectPublicKeyInfo(), TestCsrs.CommonName("x"));
        byte[] der = TestCsrs.Assemble(info, TestCsrs.Sha256WithRsa, Rsa2048.Value.SignData(info, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), rsaNullParameters: true);

        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Fails(der));
    }

    [Theory]
    [InlineData("1.2.840.113549.1.1.4")] // md5WithRSAEncryption
    [InlineData("1.2.840.113549.1.1.5")] // sha1WithRSAEncryption
    [InlineData("1.2.840.113549.1.1.14")] // sha224WithRSAEncryption
    [InlineData("1.2.840.10040.4.3")] // dsa-with-sha1
    [InlineData("1.2.840.10045.4.1")] // ecdsa-with-SHA1
    [InlineData("1.2.3.4.5")]
    public void Weak_or_unknown_signature_algorithm_is_unsupported(string oid)
    {
        byte[] info = TestCsrs.Info(P256.ExportSubjectPublicKeyInfo(), TestCsrs.CommonName("x"));

        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Fails(TestCsrs.Assemble(info, oid, [0x30, 0x00])));
    }

    [Fact]
    public void Off_curve_point_is_a_weak_key()
    {
        byte[] spki = P256.ExportSubjectPublicKeyInfo();
        spki[^1] ^= 0x01; // changes Y: the point is no longer on P-256
        byte[] info = TestCsrs.Info(spki, TestCsrs.CommonName("x"));
        byte[] der = TestCsrs.Assemble(info, TestCsrs.EcdsaWithSha256, P256.SignData(info, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.Equal(PkiErrorCode.WeakKey, Fails(der));
    }

    [Fact]
    public void Compressed_point_is_a_weak_key()
    {
        byte[] spki = P256.ExportSubjectPublicKeyInfo();
        var parameters = P256.ExportParameters(false);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.10045.2.1");
                writer.WriteObjectIdentifier("1.2.840.10045.3.1.7");
            }

            writer.WriteBitString([(byte)(2 + (parameters.Q.Y![^1] & 1)), .. parameters.Q.X!]);
        }

        byte[] info = TestCsrs.Info(writer.Encode(), TestCsrs.CommonName("x"));
        Assert.NotEqual(spki, writer.Encode());
        Assert.Equal(PkiErrorCode.WeakKey, Fails(TestCsrs.Assemble(info, TestCsrs.EcdsaWithSha256, [0x30, 0x00])));
    }

    [Fact]
    public void San_extension_request_is_read()
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("api.example.com");
        san.AddDnsName("*.example.com");
        san.AddIpAddress(IPAddress.Parse("10.0.0.1"));
        san.AddIpAddress(IPAddress.Parse("2001:db8::1"));
        san.AddEmailAddress("ops@example.com");
        san.AddUri(new Uri("spiffe://example.com/service"));

        ParsedCsr csr = Read(TestCsrs.DotNet(P256, extensions: san.Build()));

        Assert.Equal(["api.example.com", "*.example.com"], csr.RequestedNames.DnsNames);
        Assert.Equal([IPAddress.Parse("10.0.0.1"), IPAddress.Parse("2001:db8::1")], csr.RequestedNames.IpAddresses);
        Assert.Equal(["ops@example.com"], csr.RequestedNames.EmailAddresses);
        Assert.Equal("spiffe://example.com/service", Assert.Single(csr.RequestedNames.Uris).OriginalString);
        Assert.False(csr.RequestsCertificateAuthority);
    }

    [Fact]
    public void Basic_constraints_ca_true_is_reported()
    {
        ParsedCsr csr = Read(TestCsrs.DotNet(P256, extensions: new X509BasicConstraintsExtension(true, true, 1, true)));

        Assert.True(csr.RequestsCertificateAuthority);
    }

    [Fact]
    public void Basic_constraints_without_ca_is_not_a_ca_request()
    {
        ParsedCsr csr = Read(TestCsrs.DotNet(P256, extensions: new X509BasicConstraintsExtension(false, false, 0, true)));

        Assert.False(csr.RequestsCertificateAuthority);
    }

    [Fact]
    public void Empty_subject_with_a_san_is_allowed()
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.Name(), TestCsrs.ExtensionRequest(
            (SubjectAltName, true, TestCsrs.GeneralNames((2, "only.example.com"u8.ToArray())))));

        ParsedCsr csr = Read(der);

        Assert.Empty(csr.Subject.Components);
        Assert.Equal(["only.example.com"], csr.RequestedNames.DnsNames);
    }

    [Fact]
    public void Control_character_in_common_name_is_an_invalid_name() =>
        Assert.Equal(PkiErrorCode.InvalidName, Fails(TestCsrs.Crafted(P256, TestCsrs.CommonName("evil\u0007name"))));

    [Fact]
    public void Country_not_encoded_as_printable_string_is_an_invalid_name() =>
        Assert.Equal(PkiErrorCode.InvalidName, Fails(TestCsrs.Crafted(P256, TestCsrs.Name(("2.5.4.6", UniversalTagNumber.UTF8String, "US")))));

    [Fact]
    public void Universal_string_value_is_an_invalid_name()
    {
        byte[] der = TestCsrs.Crafted(P256, writer =>
        {
            using (writer.PushSequence())
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("2.5.4.3");
                writer.WriteEncodedValue([(byte)UniversalTagNumber.UniversalString, 4, 0, 0, 0, 0x41]);
            }
        });

        Assert.Equal(PkiErrorCode.InvalidName, Fails(der));
    }

    [Fact]
    public void Subject_string_types_are_decoded()
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.Name(
            ("2.5.4.6", UniversalTagNumber.PrintableString, "DE"),
            ("2.5.4.10", UniversalTagNumber.TeletexString, "Müller GmbH"),
            ("2.5.4.11", UniversalTagNumber.BMPString, "Équipe"),
            ("0.9.2342.19200300.100.1.25", UniversalTagNumber.IA5String, "example"),
            ("2.5.4.3", UniversalTagNumber.UTF8String, "名前.example")));

        DistinguishedName subject = Read(der).Subject;

        Assert.Equal("DE", subject.Country);
        Assert.Equal("Müller GmbH", subject.Organization);
        Assert.Equal("Équipe", subject.OrganizationalUnit);
        Assert.Equal("名前.example", subject.CommonName);
    }

    [Fact]
    public void Too_many_subject_attributes_is_too_large()
    {
        var attributes = Enumerable.Range(0, 5).Select(i => ("2.5.4.11", UniversalTagNumber.UTF8String, "unit" + i)).ToArray();

        Assert.Equal(PkiErrorCode.InputTooLarge, Fails(TestCsrs.Crafted(P256, TestCsrs.Name(attributes)), limits: new CsrLimits { MaximumSubjectAttributes = 4 }));
    }

    [Fact]
    public void Explicit_critical_false_is_invalid_der()
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest(
            (SubjectAltName, false, TestCsrs.GeneralNames((2, "a.example.com"u8.ToArray())))));

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(der));
    }

    [Fact]
    public void Duplicate_extension_is_invalid()
    {
        byte[] san = TestCsrs.GeneralNames((2, "a.example.com"u8.ToArray()));
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest((SubjectAltName, null, san), (SubjectAltName, null, san)));

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(der));
    }

    [Fact]
    public void Unknown_critical_extension_is_ignored()
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest(("1.2.3.4", true, [0x05, 0x00])));

        Assert.True(Read(der).RequestedNames.IsEmpty);
    }

    [Fact]
    public void Nul_in_a_dns_san_is_an_invalid_san()
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest(
            (SubjectAltName, null, TestCsrs.GeneralNames((2, "good.example.com\0.evil.com"u8.ToArray())))));

        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(der));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(0)]
    [InlineData(17)]
    public void Ip_address_of_the_wrong_length_is_an_invalid_san(int length)
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest(
            (SubjectAltName, null, TestCsrs.GeneralNames((7, new byte[length])))));

        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(der));
    }

    [Theory]
    [InlineData(1, "no-at-sign.example.com")]
    [InlineData(6, "/relative/path")]
    [InlineData(6, "https://exa mple.com/")]
    [InlineData(2, "bad_label.example.com")]
    [InlineData(2, "caf\u00e9.example.com")]
    public void Malformed_san_values_are_invalid_sans(int tag, string value)
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest(
            (SubjectAltName, null, TestCsrs.GeneralNames((tag, System.Text.Encoding.UTF8.GetBytes(value))))));

        Assert.Equal(PkiErrorCode.InvalidSubjectAlternativeName, Fails(der));
    }

    [Fact]
    public void Other_general_name_types_are_ignored()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.3.4", new Asn1Tag(TagClass.ContextSpecific, 8)); // registeredID
            writer.WriteCharacterString(UniversalTagNumber.IA5String, "kept.example.com", new Asn1Tag(TagClass.ContextSpecific, 2));
        }

        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest((SubjectAltName, null, writer.Encode())));

        Assert.Equal(["kept.example.com"], Read(der).RequestedNames.DnsNames);
    }

    [Fact]
    public void Too_many_sans_is_too_large()
    {
        var names = Enumerable.Range(0, 4).Select(i => (2, System.Text.Encoding.ASCII.GetBytes($"n{i}.example.com"))).ToArray();
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), TestCsrs.ExtensionRequest((SubjectAltName, null, TestCsrs.GeneralNames(names))));

        Assert.Equal(PkiErrorCode.InputTooLarge, Fails(der, limits: new CsrLimits { MaximumSubjectAlternativeNames = 3 }));
        Assert.Equal(4, Read(der).RequestedNames.Count);
    }

    [Fact]
    public void Empty_attribute_value_set_is_invalid()
    {
        byte[] der = TestCsrs.Crafted(P256, TestCsrs.CommonName("x"), writer =>
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.9.7");
                writer.PushSetOf();
                writer.PopSetOf();
            }
        });

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(der));
    }

    [Fact]
    public void Trailing_byte_is_invalid()
    {
        byte[] der = [.. TestCsrs.DotNet(P256), 0x00];

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(der));
    }

    [Fact]
    public void Indefinite_length_is_invalid()
    {
        byte[] valid = TestCsrs.DotNet(P256);
        var reader = new AsnReader(valid, AsnEncodingRules.DER);
        ReadOnlyMemory<byte> content = reader.ReadSequence().ReadEncodedValue(); // certificationRequestInfo
        int headerLength = valid.AsSpan().IndexOf(content.Span);
        byte[] ber = [0x30, 0x80, .. valid.AsSpan(headerLength), 0x00, 0x00];

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(ber));
    }

    [Fact]
    public void Non_minimal_length_is_invalid()
    {
        byte[] valid = TestCsrs.DotNet(P256);
        Assert.Equal(0x81, valid[1]);
        byte[] padded = [0x30, 0x82, 0x00, valid[2], .. valid.AsSpan(3)];

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(padded));
    }

    [Fact]
    public void Version_other_than_zero_is_invalid()
    {
        byte[] der = TestCsrs.DotNet(P256);
        int version = der.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x02, 0x01, 0x00]);
        der[version + 2] = 1;

        Assert.Equal(PkiErrorCode.InvalidCsr, Fails(der));
    }

    [Fact]
    public void Der_over_the_size_limit_is_too_large_before_parsing()
    {
        Assert.Equal(PkiErrorCode.InputTooLarge, Fails(new byte[(64 * 1024) + 1]));
        Assert.Equal(PkiErrorCode.InputTooLarge, FailsPem(new string('A', (64 * 1024) + 1)));
    }

    [Fact]
    public void Pem_with_text_around_it_and_the_legacy_label_parses()
    {
        byte[] der = TestCsrs.DotNet(P256);

        Assert.Equal("ECDSA", CsrReader.Read("Certificate Request:\n    Data: ...\n" + TestCsrs.Pem(der) + "\ntrailer\n", Limits, Policy).PublicKey.Family);
        Assert.Equal(der, CsrReader.Read(TestCsrs.Pem(der, "NEW CERTIFICATE REQUEST"), Limits, Policy).Der.ToArray());
    }

    [Theory]
    [InlineData(29)]
    [InlineData(35)]
    [InlineData(76)]
    public void Irregular_base64_line_wrapping_alone_is_accepted(int width)
    {
        byte[] der = TestCsrs.DotNet(P256);
        string base64 = Convert.ToBase64String(der);
        var lines = Enumerable.Range(0, (base64.Length + width - 1) / width).Select(i => base64.Substring(i * width, Math.Min(width, base64.Length - (i * width))));
        string pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + string.Join("\n", lines) + "\n-----END CERTIFICATE REQUEST-----\n";

        Assert.Equal(der, CsrReader.Read(pem, Limits, Policy).Der.ToArray());
    }

    [Fact]
    public void Two_pem_blocks_are_invalid()
    {
        string block = TestCsrs.Pem(TestCsrs.DotNet(P256));

        Assert.Equal(PkiErrorCode.InvalidCsr, FailsPem(block + "\n" + block));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a pem at all")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----")]
    public void Missing_or_broken_pem_is_invalid(string pem) => Assert.Equal(PkiErrorCode.InvalidCsr, FailsPem(pem));

    [Fact]
    public void Truncated_pem_body_is_invalid()
    {
        byte[] der = TestCsrs.DotNet(P256);

        Assert.Equal(PkiErrorCode.InvalidCsr, FailsPem(TestCsrs.Pem(der[..^10])));
    }

    internal static byte[] Ed25519Csr()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var request = new Pkcs10CertificationRequest("Ed25519", new X509Name("CN=ed.example.com"), pair.Public, new DerSet(), pair.Private);
        return request.GetEncoded();
    }
}
