using System.Diagnostics;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Pki.Core.Tests.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Interop;

/// <summary>
/// Field-by-field checks of what the library emits against RFC 5280 (certificates and CRLs), RFC 6960 and RFC 9654
/// (OCSP), RFC 5480 and RFC 8410 (key usage per key type), with the strict DER parser of pyca/cryptography and GnuTLS
/// certtool as independent judges.
/// </summary>
public sealed class RfcConformanceTests
{
    private const string NonceOid = "1.3.6.1.5.5.7.48.1.2";

    // RFC 9654 section 2.1 (obsoletes RFC 8954): Nonce ::= OCTET STRING (SIZE(1..128)); a responder MUST answer a nonce of
    // 0 octets or more than 128 octets with malformedRequest. The extnValue holds the DER of that OCTET STRING.
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(32, true)]
    [InlineData(120, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public async Task The_nonce_length_follows_rfc_9654(int length, bool accepted)
    {
        using var pki = await RevocationFixture.CreateAsync();
        var leaf = await pki.IssueClientAsync();
        byte[] nonce = RandomNumberGenerator.GetBytes(length);
        byte[] response = await pki.Revocation.RespondAsync(OcspRequest(pki.Issuing, leaf.CertificatePem, w => w.WriteOctetString(nonce)));

        Assert.Equal(accepted ? 0 : 1, ResponseStatus(response)); // successful / malformedRequest
        if (accepted)
        {
            Assert.Equal(nonce, ResponseNonce(response));
        }
    }

    [Fact]
    public async Task A_nonce_that_is_not_an_octet_string_is_a_malformed_request()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var leaf = await pki.IssueClientAsync();
        byte[] response = await pki.Revocation.RespondAsync(OcspRequest(pki.Issuing, leaf.CertificatePem, w => w.WriteInteger(42)));

        Assert.Equal(1, ResponseStatus(response));
    }

    [Fact]
    public async Task Extensions_are_parsed_strictly_wherever_they_are()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var leaf = await pki.IssueClientAsync();
        var explicit0 = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        byte[] nonce = new byte[16];

        async Task<int> StatusAsync(Action<AsnWriter>? single = null, Action<AsnWriter>? after = null) =>
            ResponseStatus(await pki.Revocation.RespondAsync(OcspRequest(pki.Issuing, leaf.CertificatePem, w => w.WriteOctetString(nonce), single, after)));

        void WellFormedSingleExtension(AsnWriter w)
        {
            using (w.PushSequence(explicit0))
            using (w.PushSequence())
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.7"); // id-pkix-ocsp-service-locator (not understood: ignored)
                w.WriteOctetString([0x05, 0x00]);
            }
        }

        Assert.Equal(0, await StatusAsync(single: WellFormedSingleExtension));
        Assert.Equal(1, await StatusAsync(single: w =>
        {
            using (w.PushSequence(explicit0))
            {
                w.WriteInteger(7); // not Extensions
            }
        }));
        Assert.Equal(1, await StatusAsync(single: w =>
        {
            using (w.PushSequence(explicit0))
            using (w.PushSequence())
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.7");
                w.WriteBoolean(false); // critical FALSE: the DEFAULT, which DER omits
                w.WriteOctetString([0x05, 0x00]);
            }
        }));
        Assert.Equal(1, await StatusAsync(after: w => w.WriteNull())); // bytes after requestExtensions inside [2]
    }

    // RFC 5280 section 4.2.1.9: pathLenConstraint only when cA is asserted and keyUsage asserts keyCertSign.
    [Fact]
    public async Task A_ca_profile_without_keyCertSign_gets_no_pathLenConstraint()
    {
        using var host = new PkiTestHost(o => o.Profiles["crl-signer"] = new CertificateProfile
        {
            Type = CertificateType.CertificateAuthority,
            KeyUsage = X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.None,
            PathLengthConstraint = 0,
        });
        var (root, _) = await host.CreateHierarchyAsync(); // the root has pathLenConstraint 1
        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root.Id), Profile = "crl-signer", CommonName = "CRL Signer",
        });

        using var certificate = issued.ToX509Certificate2();
        var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basic.CertificateAuthority);
        Assert.False(basic.HasPathLengthConstraint);
    }

    // RFC 5280 appendix A.1: X520dnQualifier ::= PrintableString (like countryName and serialNumber).
    [Fact]
    public void A_dnQualifier_is_encoded_as_a_PrintableString()
    {
        var name = DistinguishedName.FromComponents([new("2.5.4.46", "qualifier-1"), new(DistinguishedNameOids.CommonName, "x")]);

        var rdn = new AsnReader(name.Encode(), AsnEncodingRules.DER).ReadSequence().ReadSetOf().ReadSequence();
        Assert.Equal("2.5.4.46", rdn.ReadObjectIdentifier());
        Assert.Equal(UniversalTagNumber.PrintableString, (UniversalTagNumber)rdn.PeekTag().TagValue);
        Assert.Equal(PkiErrorCode.InvalidName, Assert.Throws<PkiException>(() => DistinguishedName.FromComponents([new("2.5.4.46", "ü")])).Code);
    }

    // RFC 5280 section 4.1.2.6: a CA certificate's subject MUST be a non-empty distinguished name.
    [Fact]
    public async Task A_ca_certificate_with_an_empty_subject_is_refused()
    {
        using var host = new PkiTestHost(o => o.Profiles["named-ca"] = new CertificateProfile
        {
            Type = CertificateType.CertificateAuthority,
            KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.Dns,
        });
        var (root, _) = await host.CreateHierarchyAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("ca.example.com");
        csr.CertificateExtensions.Add(names.Build(critical: true));

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(root.Id), Profile = "named-ca", CsrPem = csr.CreateSigningRequestPem(),
        }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);

        // IssueAsync makes no CA certificates under any CA-type profile: the library would not hold the key.
        var generated = await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root.Id), Profile = "named-ca", CommonName = "Named CA",
        }).AsTask());
        Assert.Equal(PkiErrorCode.InvalidRequest, generated.Code);
    }

    // RFC 5280 section 4.2.1.9: "If the cA boolean is not asserted, then the keyCertSign bit ... MUST NOT be asserted."
    [Fact]
    public void A_profile_that_is_not_a_ca_cannot_have_keyCertSign()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new PkiTestHost(o => o.Profiles["signer"] = new CertificateProfile
        {
            Type = CertificateType.Server,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign,
        }));
        Assert.Contains("keyCertSign", error.Message);
    }

    // RFC 5480 section 3 (id-ecPublicKey) and RFC 8410 section 5 (Ed25519): no keyEncipherment or dataEncipherment.
    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, X509KeyUsageFlags.KeyEncipherment)]
    [InlineData(KeyAlgorithm.EcdsaP384, X509KeyUsageFlags.DataEncipherment)]
    [InlineData(KeyAlgorithm.Ed25519, X509KeyUsageFlags.KeyEncipherment)]
    [InlineData(KeyAlgorithm.Ed25519, X509KeyUsageFlags.KeyAgreement)]
    public async Task A_profile_key_usage_the_subject_key_cannot_have_is_refused(KeyAlgorithm algorithm, X509KeyUsageFlags usage)
    {
        using var host = new PkiTestHost(o => o.Profiles["legacy"] = new CertificateProfile
        {
            Type = CertificateType.Server,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | usage,
            ExtendedKeyUsages = { "1.3.6.1.5.5.7.3.1" },
        });
        var (_, issuing) = await host.CreateHierarchyAsync();

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = "legacy", CommonName = "www.example.com", KeyAlgorithm = algorithm,
        }).AsTask());
        Assert.Equal(PkiErrorCode.PolicyViolation, error.Code);

        // The same profile still serves RSA keys, for which the usage is allowed.
        var rsa = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = "legacy", CommonName = "www.example.com", KeyAlgorithm = KeyAlgorithm.Rsa2048,
        });
        Assert.NotNull(rsa.CertificatePem);
    }

    /// <summary>Certificates, CRLs and OCSP responses parsed by pyca/cryptography, which refuses anything that is not DER.</summary>
    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Rsa2048)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public async Task The_strict_parser_accepts_certificates_crls_and_ocsp_responses(KeyAlgorithm algorithm)
    {
        using var pki = await RevocationFixture.CreateAsync(algorithm: algorithm);
        var good = await pki.IssueClientAsync("good@example.com");
        var revoked = await pki.IssueClientAsync("revoked@example.com");
        var empty = await pki.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(pki.Issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Empty,
            SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["empty.example.com"]),
        });
        await pki.RevokeAsync(revoked, RevocationReason.KeyCompromise);
        var crl = await pki.Revocation.CreateCrlAsync(CaReference.ById(pki.Issuing.Id));
        await pki.RevokeAsync(good, RevocationReason.CertificateHold);
        var delta = await pki.Revocation.CreateDeltaCrlAsync(CaReference.ById(pki.Issuing.Id));
        byte[] ocsp = await pki.Revocation.RespondAsync(OcspRequest(pki.Issuing, revoked.CertificatePem, w => w.WriteOctetString(new byte[32])));

        using var tools = new OpenSsl();
        string issuing = tools.Write("issuing.pem", pki.Issuing.CertificatePem);
        tools.Write("root.pem", pki.Root.CertificatePem);
        tools.Write("leaf.pem", good.CertificatePem);
        tools.Write("empty.pem", empty.CertificatePem);
        tools.Write("full.crl", crl.Der.ToArray());
        tools.Write("delta.crl", delta.Der.ToArray());
        tools.Write("resp.der", ocsp);
        const string script = """
            import sys
            from cryptography import x509
            from cryptography.x509 import ocsp
            issuing = x509.load_pem_x509_certificate(open('issuing.pem', 'rb').read())
            for name in ('root.pem', 'issuing.pem', 'leaf.pem', 'empty.pem'):
                x509.load_der_x509_certificate(x509.load_pem_x509_certificate(open(name, 'rb').read()).public_bytes(
                    __import__('cryptography.hazmat.primitives.serialization', fromlist=['Encoding']).Encoding.DER))
            empty = x509.load_pem_x509_certificate(open('empty.pem', 'rb').read())
            assert len(empty.subject) == 0
            assert empty.extensions.get_extension_for_class(x509.SubjectAlternativeName).critical
            for name in ('full.crl', 'delta.crl'):
                crl = x509.load_der_x509_crl(open(name, 'rb').read())
                assert crl.next_update is not None
                assert not crl.extensions.get_extension_for_class(x509.CRLNumber).critical
            assert x509.load_der_x509_crl(open('delta.crl', 'rb').read()).extensions.get_extension_for_class(x509.DeltaCRLIndicator).critical
            response = ocsp.load_der_ocsp_response(open('resp.der', 'rb').read())
            assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
            assert response.certificate_status == ocsp.OCSPCertStatus.REVOKED
            print('strict parse OK')
            """;
        var python = Run("/usr/bin/python3", tools.Directory, "-c", script);
        Assert.True(python.ExitCode == 0, python.Output);
        Assert.Contains("strict parse OK", python.Output);

        // GnuTLS checks the CRL signatures (certtool --verify-crl) on its own.
        foreach (string name in new[] { "full", "delta" })
        {
            var pem = tools.Run("crl", "-in", name + ".crl", "-inform", "DER", "-out", name + ".crl.pem");
            Assert.True(pem.ExitCode == 0, pem.Output);
            var certtool = Run("certtool", tools.Directory, "--verify-crl", "--load-ca-certificate", issuing, "--infile", name + ".crl.pem");
            Assert.True(certtool.ExitCode == 0, certtool.Output);
            Assert.Contains("Verified", certtool.Output);
        }
    }

    private static (int ExitCode, string Output) Run(string tool, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            // Not a skip: .ci/run installs both (apt-get install gnutls-bin python3-cryptography).
            throw new InvalidOperationException($"{tool} is missing; install gnutls-bin and python3-cryptography.", ex);
        }

        using var process = started ?? throw new InvalidOperationException(tool + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException(tool + " hung");
        }

        return (process.ExitCode, stdout.Result + stderr);
    }

    /// <summary>
    /// An OCSPRequest for one certificate (SHA-1 CertID) with a nonce extension whose extnValue <paramref name="writeNonce"/>
    /// writes (no requestExtensions when null); <paramref name="singleRequestExtensions"/> writes after the CertID, and
    /// <paramref name="afterExtensions"/> inside the requestExtensions' explicit tag after its SEQUENCE (both for malformed variants);
    /// <paramref name="serialNumber"/>, big-endian unsigned, replaces the leaf's serial.
    /// </summary>
    internal static byte[] OcspRequest(
        AuthorityRecord issuer, string leafPem, Action<AsnWriter>? writeNonce, Action<AsnWriter>? singleRequestExtensions = null, Action<AsnWriter>? afterExtensions = null,
        byte[]? serialNumber = null)
    {
        using var ca = X509Certificate2.CreateFromPem(issuer.CertificatePem);
        using var leaf = X509Certificate2.CreateFromPem(leafPem);
        var spki = new AsnReader(ca.PublicKey.ExportSubjectPublicKeyInfo(), AsnEncodingRules.DER).ReadSequence();
        spki.ReadEncodedValue();
        byte[] keyBits = spki.ReadBitString(out _);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("1.3.14.3.2.26");
                        writer.WriteNull();
                    }

#pragma warning disable CA5350 // the CertID hash of RFC 6960, not a security function here
                    writer.WriteOctetString(SHA1.HashData(ca.SubjectName.RawData));
                    writer.WriteOctetString(SHA1.HashData(keyBits));
#pragma warning restore CA5350
                    writer.WriteIntegerUnsigned(serialNumber ?? leaf.SerialNumberBytes.Span);
                }

                singleRequestExtensions?.Invoke(writer);
            }

            if (writeNonce is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
                {
                    using (writer.PushSequence())
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(NonceOid);
                        using (writer.PushOctetString())
                        {
                            writeNonce(writer);
                        }
                    }

                    afterExtensions?.Invoke(writer);
                }
            }
        }

        return writer.Encode();
    }

    internal static int ResponseStatus(byte[] response)
    {
        var outer = new AsnReader(response, AsnEncodingRules.DER).ReadSequence();
        return (int)outer.ReadEnumeratedValue<OcspResponseStatus>();
    }

    /// <summary>The nonce value in the responseExtensions of a successful response.</summary>
    private static byte[] ResponseNonce(byte[] response)
    {
        var outer = new AsnReader(response, AsnEncodingRules.DER).ReadSequence();
        outer.ReadEnumeratedBytes();
        var responseBytes = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).ReadSequence();
        responseBytes.ReadObjectIdentifier();
        var basic = new AsnReader(responseBytes.ReadOctetString(), AsnEncodingRules.DER).ReadSequence();
        var data = basic.ReadSequence();
        data.ReadEncodedValue(); // responderID
        data.ReadGeneralizedTime(); // producedAt
        data.ReadSequence(); // responses
        var extensions = data.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)).ReadSequence();
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            string oid = extension.ReadObjectIdentifier();
            byte[] value = extension.ReadOctetString();
            if (oid == NonceOid)
            {
                return new AsnReader(value, AsnEncodingRules.DER).ReadOctetString();
            }
        }

        throw new InvalidOperationException("The response has no nonce.");
    }

}
