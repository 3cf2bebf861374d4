using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core.Tests.TestSupport;

/// <summary>Builds CSRs for tests: with .NET's CertificateRequest, or hand-crafted DER signed with a real key.</summary>
public static class TestCsrs
{
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";

    public static readonly Asn1Tag AttributesTag = new(TagClass.ContextSpecific, 0);

    public static byte[] DotNet(ECDsa key, string subject = "CN=test.example.com", HashAlgorithmName? hash = null, params X509Extension[] extensions)
    {
        var request = new CertificateRequest(subject, key, hash ?? HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        return request.CreateSigningRequest();
    }

    public static byte[] DotNet(RSA key, RSASignaturePadding padding, string subject = "CN=test.example.com", HashAlgorithmName? hash = null)
    {
        var request = new CertificateRequest(subject, key, hash ?? HashAlgorithmName.SHA256, padding);
        return request.CreateSigningRequest();
    }

    /// <summary>A CSR with a hand-written subject and attributes, validly signed by a P-256 key.</summary>
    public static byte[] Crafted(ECDsa key, Action<AsnWriter> writeSubject, Action<AsnWriter>? writeAttributes = null)
    {
        byte[] info = Info(key.ExportSubjectPublicKeyInfo(), writeSubject, writeAttributes);
        return Assemble(info, EcdsaWithSha256, key.SignData(info, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    public static byte[] Info(byte[] subjectPublicKeyInfo, Action<AsnWriter> writeSubject, Action<AsnWriter>? writeAttributes = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            writeSubject(writer);
            writer.WriteEncodedValue(subjectPublicKeyInfo);
            using (writer.PushSetOf(AttributesTag))
            {
                writeAttributes?.Invoke(writer);
            }
        }

        return writer.Encode();
    }

    public static byte[] Assemble(byte[] info, string signatureOid, byte[] signature, bool rsaNullParameters = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(signatureOid);
                if (rsaNullParameters)
                {
                    writer.WriteNull();
                }
            }

            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }

    public static byte[] Assemble(byte[] info, byte[] algorithmIdentifier, byte[] signature)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info);
            writer.WriteEncodedValue(algorithmIdentifier);
            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }

    /// <summary>A subject Name with one attribute per RDN, each value written with the given string type.</summary>
    public static Action<AsnWriter> Name(params (string Oid, UniversalTagNumber Type, string Value)[] attributes) => writer =>
    {
        using (writer.PushSequence())
        {
            foreach (var (oid, type, value) in attributes)
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    if (type == UniversalTagNumber.TeletexString)
                    {
                        byte[] latin1 = System.Text.Encoding.Latin1.GetBytes(value);
                        writer.WriteEncodedValue([(byte)UniversalTagNumber.TeletexString, (byte)latin1.Length, .. latin1]);
                    }
                    else
                    {
                        writer.WriteCharacterString(type, value);
                    }
                }
            }
        }
    };

    public static Action<AsnWriter> CommonName(string value) => Name(("2.5.4.3", UniversalTagNumber.UTF8String, value));

    /// <summary>An extensionRequest attribute; a null criticality is omitted, true or false is written as given.</summary>
    public static Action<AsnWriter> ExtensionRequest(params (string Oid, bool? Critical, byte[] Value)[] extensions) => writer =>
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.9.14");
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                foreach (var (oid, critical, value) in extensions)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(oid);
                        if (critical is { } c)
                        {
                            writer.WriteBoolean(c);
                        }

                        writer.WriteOctetString(value);
                    }
                }
            }
        }
    };

    /// <summary>A GeneralNames value written by hand: (context tag, raw content bytes).</summary>
    public static byte[] GeneralNames(params (int Tag, byte[] Content)[] names)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var (tag, content) in names)
            {
                writer.WriteOctetString(content, new Asn1Tag(TagClass.ContextSpecific, tag));
            }
        }

        return writer.Encode();
    }

    public static string Pem(byte[] der, string label = "CERTIFICATE REQUEST") => new(PemEncoding.Write(label, der));
}
