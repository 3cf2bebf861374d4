using System.Formats.Asn1;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.X509;
using Pki.Core.Keys;

namespace Pki.Core.Tests.TestSupport;

/// <summary>
/// Independent checks of ML-DSA and hybrid certificates: BouncyCastle's own certificate parser and verifiers (OpenSSL 3.0
/// and .NET here cannot verify ML-DSA), plus a from-scratch reconstruction of the X.509 section 9.8 preTBSCertificate.
/// </summary>
public static class PqcCertificates
{
    public const string SubjectAltPublicKeyInfo = "2.5.29.72";
    public const string AltSignatureAlgorithm = "2.5.29.73";
    public const string AltSignatureValue = "2.5.29.74";

    public static X509Certificate Parse(string pem) => new X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(pem));

    public static X509Certificate Parse(byte[] der) => new X509CertificateParser().ReadCertificate(der);

    /// <summary>BouncyCastle's X509Certificate.Verify with the issuer's public key.</summary>
    public static bool VerifiedBy(X509Certificate certificate, X509Certificate issuer)
    {
        try
        {
            certificate.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException)
        {
            return false;
        }
    }

    /// <summary>BouncyCastle's VerifyAltSignature with the issuer's alternative public key.</summary>
    public static bool AltVerifiedByBouncyCastle(X509Certificate certificate, byte[] issuerAltSubjectPublicKeyInfo)
    {
        try
        {
            certificate.VerifyAltSignature(new Asn1VerifierFactoryProvider(Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(issuerAltSubjectPublicKeyInfo)));
            return true;
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException)
        {
            return false;
        }
    }

    /// <summary>
    /// Rebuilds the preTBSCertificate (the TBSCertificate without its signature field and without altSignatureValue)
    /// and verifies the altSignatureValue over it with the issuer's alternative ML-DSA key.
    /// </summary>
    public static bool AltVerifiedByReconstruction(byte[] certificateDer, byte[] issuerAltSubjectPublicKeyInfo)
    {
        var (preTbs, algorithm, signature) = PreTbs(certificateDer);
        var spki = new AsnReader(issuerAltSubjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        string keyOid = spki.ReadSequence().ReadObjectIdentifier();
        byte[] publicKey = spki.ReadBitString(out _);
        var keyAlgorithm = MlDsaParameterSets.FromOid(keyOid) ?? throw new InvalidOperationException("not an ML-DSA key");
        Assert.Equal(SignatureAlgorithm.For(keyAlgorithm).AlgorithmIdentifier, algorithm);
        return MlDsaKey.Verify(keyAlgorithm, publicKey, preTbs, signature);
    }

    /// <summary>The preTBSCertificate, the altSignatureAlgorithm AlgorithmIdentifier and the altSignatureValue of a certificate.</summary>
    public static (byte[] PreTbs, byte[] Algorithm, byte[] Signature) PreTbs(byte[] certificateDer)
    {
        var certificate = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        byte[]? algorithm = null;
        byte[]? signature = null;
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs.ReadEncodedValue().Span); // [0] version
            writer.WriteEncodedValue(tbs.ReadEncodedValue().Span); // serialNumber
            tbs.ReadEncodedValue(); // signature: left out
            for (int i = 0; i < 4; i++)
            {
                writer.WriteEncodedValue(tbs.ReadEncodedValue().Span); // issuer, validity, subject, subjectPublicKeyInfo
            }

            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
            using (writer.PushSequence(extensionsTag))
            using (writer.PushSequence())
            {
                while (extensions.HasData)
                {
                    var encoded = extensions.ReadEncodedValue();
                    var extension = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
                    string oid = extension.ReadObjectIdentifier();
                    bool critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                    byte[] value = extension.ReadOctetString();
                    Assert.False(critical && oid.StartsWith("2.5.29.7", StringComparison.Ordinal), "alternative-key extensions must be non-critical");
                    if (oid == AltSignatureValue)
                    {
                        signature = new AsnReader(value, AsnEncodingRules.DER).ReadBitString(out _);
                        continue;
                    }

                    if (oid == AltSignatureAlgorithm)
                    {
                        algorithm = value;
                    }

                    writer.WriteEncodedValue(encoded.Span);
                }
            }
        }

        return (writer.Encode(), algorithm ?? throw new InvalidOperationException("no altSignatureAlgorithm"), signature ?? throw new InvalidOperationException("no altSignatureValue"));
    }

    /// <summary>The raw extnValue of extension <paramref name="oid"/>, or null.</summary>
    public static byte[]? Extension(byte[] certificateDer, string oid) =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificateDer).Extensions[oid]?.RawData;

    /// <summary>The outer signatureAlgorithm and the TBS signature field, as DER.</summary>
    public static (byte[] Outer, byte[] Inner) SignatureAlgorithms(byte[] certificateDer)
    {
        var certificate = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        tbs.ReadEncodedValue();
        tbs.ReadEncodedValue();
        byte[] inner = tbs.ReadEncodedValue().ToArray();
        return (certificate.ReadEncodedValue().ToArray(), inner);
    }

    /// <summary>The SubjectPublicKeyInfo's AlgorithmIdentifier, as DER.</summary>
    public static byte[] PublicKeyAlgorithm(byte[] certificateDer)
    {
        var tbs = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        for (int i = 0; i < 6; i++)
        {
            tbs.ReadEncodedValue();
        }

        return tbs.ReadSequence().ReadEncodedValue().ToArray();
    }

    /// <summary>AlgorithmIdentifier ::= SEQUENCE { id-ml-dsa-* } with parameters absent (RFC 9881).</summary>
    public static byte[] MlDsaAlgorithmIdentifier(int level)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(level switch { 44 => "2.16.840.1.101.3.4.3.17", 65 => "2.16.840.1.101.3.4.3.18", _ => "2.16.840.1.101.3.4.3.19" });
        }

        return writer.Encode();
    }

    public static byte[] Der(string pem) => Convert.FromBase64String(pem[System.Security.Cryptography.PemEncoding.Find(pem).Base64Data]);
}
