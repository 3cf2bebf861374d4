using System.Security.Cryptography;
using FsCheck;
using FsCheck.Xunit;
using Pki.Core.Issuance.Csr;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance.Csr;

/// <summary>Random damage to valid CSRs must only ever produce a <see cref="PkiException"/>.</summary>
public sealed class CsrReaderFuzzTests
{
    private static readonly CsrLimits Limits = new();
    private static readonly KeyPolicyOptions Policy = new();

    private static readonly Lazy<byte[][]> Samples = new(() =>
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName("fuzz.example.com");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddEmailAddress("a@example.com");
        san.AddUri(new Uri("https://example.com/x"));
        return
        [
            TestCsrs.DotNet(p256, "CN=fuzz,O=Org,C=US", null, san.Build(), new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true)),
            TestCsrs.DotNet(rsa, RSASignaturePadding.Pss),
            CsrReaderTests.Ed25519Csr(),
            CsrReader.Read(File.ReadAllText(Corpus.Path("csr/valid/cfssl-selfsign-sans.csr")), Limits, Policy).Der.ToArray(),
            CsrReader.Read(File.ReadAllText(Corpus.Path("csr/valid/pyca-challenge-unstructured.pem")), Limits, Policy).Der.ToArray(),
        ];
    });

    public enum Edit
    {
        Flip,
        Set,
        Insert,
        Delete,
        Truncate,
    }

    [Property(MaxTest = 500)]
    public void Mutated_der_throws_only_pki_exceptions(byte sample, (Edit Kind, ushort Position, byte Value)[] edits)
    {
        byte[] der = Mutate(Samples.Value[sample % Samples.Value.Length], edits);

        AssertOnlyPkiException(() => CsrReader.Read(der, Limits, Policy));
    }

    [Property(MaxTest = 200)]
    public void Mutated_pem_throws_only_pki_exceptions(byte sample, (Edit Kind, ushort Position, byte Value)[] edits)
    {
        byte[] pem = System.Text.Encoding.ASCII.GetBytes(TestCsrs.Pem(Samples.Value[sample % Samples.Value.Length]));
        string mutated = System.Text.Encoding.Latin1.GetString(Mutate(pem, edits));

        AssertOnlyPkiException(() => CsrReader.Read(mutated, Limits, Policy));
    }

    [Property(MaxTest = 300)]
    public void Single_byte_change_throws_only_pki_exceptions(byte sample, ushort position, byte value)
    {
        byte[] der = (byte[])Samples.Value[sample % Samples.Value.Length].Clone();
        der[position % der.Length] = value;

        AssertOnlyPkiException(() => CsrReader.Read(der, Limits, Policy));
    }

    private static void AssertOnlyPkiException(Action read)
    {
        try
        {
            read();
        }
        catch (PkiException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"Unexpected {ex.GetType().FullName}: {ex}");
        }
    }

    private static byte[] Mutate(byte[] original, (Edit Kind, ushort Position, byte Value)[] edits)
    {
        var bytes = new List<byte>(original);
        foreach (var (kind, position, value) in edits ?? [])
        {
            int at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case Edit.Flip when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (value % 8));
                    break;
                case Edit.Set when bytes.Count > 0:
                    bytes[at] = value;
                    break;
                case Edit.Insert:
                    bytes.Insert(at, value);
                    break;
                case Edit.Delete when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case Edit.Truncate:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }
}
