using System.Formats.Asn1;
using FsCheck.Xunit;
using Pki.Core.Issuance.Csr;
using Pki.Core.Keys;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys.Pqc;

/// <summary>ML-DSA CSRs (RFC 9881): accepted when well-formed; random damage only ever yields a <see cref="PkiException"/>.</summary>
public sealed class MlDsaCsrFuzzTests
{
    private static readonly CsrLimits Limits = new();
    private static readonly KeyPolicyOptions Policy = new();

    private static readonly Lazy<byte[][]> Samples = new(() =>
    [
        CsrPem.Decode(File.ReadAllText(Corpus.Path("pqc/pyca-mldsa65.csr.pem"))).ToArray(),
        Csr(KeyAlgorithm.MlDsa44, "2.16.840.1.101.3.4.3.17"),
        Csr(KeyAlgorithm.MlDsa87, "2.16.840.1.101.3.4.3.19"),
    ]);

    [Theory]
    [InlineData(KeyAlgorithm.MlDsa44, 44)]
    [InlineData(KeyAlgorithm.MlDsa65, 65)]
    [InlineData(KeyAlgorithm.MlDsa87, 87)]
    public void Library_made_ml_dsa_csr_is_accepted(KeyAlgorithm algorithm, int level)
    {
        var csr = CsrReader.Read(Csr(algorithm, MlDsaParameterSets.Oid(algorithm)), Limits, Policy);

        Assert.Equal("ML-DSA", csr.PublicKey.Family);
        Assert.Equal(level, csr.PublicKey.Size);
    }

    [Fact]
    public void Mismatched_parameter_set_parameters_and_policy_are_refused()
    {
        byte[] mismatched = Csr(KeyAlgorithm.MlDsa44, "2.16.840.1.101.3.4.3.18");
        byte[] pyca = Samples.Value[0];

        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Assert.Throws<PkiException>(() => CsrReader.Read(mismatched, Limits, Policy)).Code);
        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm,
            Assert.Throws<PkiException>(() => CsrReader.Read(pyca, Limits, new KeyPolicyOptions { AllowMlDsa = false })).Code);
        byte[] withParameters = Csr(KeyAlgorithm.MlDsa65, "2.16.840.1.101.3.4.3.18", nullParameters: true);
        Assert.Equal(PkiErrorCode.UnsupportedAlgorithm, Assert.Throws<PkiException>(() => CsrReader.Read(withParameters, Limits, Policy)).Code);
        byte[] badSignature = (byte[])pyca.Clone();
        badSignature[^100] ^= 0x40;
        Assert.Equal(PkiErrorCode.CsrSignatureInvalid, Assert.Throws<PkiException>(() => CsrReader.Read(badSignature, Limits, Policy)).Code);
    }

    [Property(MaxTest = 300)]
    public void Mutated_ml_dsa_csr_throws_only_pki_exceptions(byte sample, ushort position, byte value, ushort cut)
    {
        byte[] der = (byte[])Samples.Value[sample % Samples.Value.Length].Clone();
        der[position % der.Length] = value;
        if (cut % 4 == 0)
        {
            der = der[..(cut % der.Length)];
        }

        try
        {
            CsrReader.Read(der, Limits, Policy);
        }
        catch (PkiException)
        {
        }
    }

    private static byte[] Csr(KeyAlgorithm keyAlgorithm, string signatureOid, bool nullParameters = false)
    {
        using var key = SoftwareSigningKey.Generate(keyAlgorithm);
        byte[] info = TestCsrs.Info(key.SubjectPublicKeyInfo.ToArray(), TestCsrs.CommonName("mldsa.example.com"));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(signatureOid);
            if (nullParameters)
            {
                writer.WriteNull();
            }
        }

        return TestCsrs.Assemble(info, writer.Encode(), key.Sign(info));
    }
}
