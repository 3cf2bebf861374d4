using System.Formats.Asn1;
using Pki.Core.Asn1;

namespace Pki.Core.Keys.Generation;

/// <summary>Writes a PKCS#10 CertificationRequest (RFC 2986, section 4) in DER, signed with a software key.</summary>
internal static class CsrBuilder
{
    private static readonly Asn1Tag Attributes = new(TagClass.ContextSpecific, 0);

    /// <summary>
    /// CertificationRequestInfo { version 0, subject, subjectPKInfo, attributes [0] { extensionRequest { subjectAltName } } }
    /// (the attribute only when there are names; the SAN extension is critical when the subject is empty, RFC 5280
    /// section 4.2.1.6), signed with <paramref name="key"/>'s signature algorithm.
    /// </summary>
    public static byte[] Build(SoftwareSigningKey key, DistinguishedName subject, SubjectAlternativeNames names)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            writer.WriteEncodedValue(subject.Encode());
            writer.WriteEncodedValue(key.SubjectPublicKeyInfo.Span);
            using (writer.PushSetOf(Attributes))
            {
                if (!names.IsEmpty)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Oids.ExtensionRequest);
                        using (writer.PushSetOf())
                        using (writer.PushSequence())
                        {
                            ExtensionWriter.SubjectAltName(writer, names, critical: subject.Components.Count == 0);
                        }
                    }
                }
            }
        }

        byte[] info = writer.Encode();
        var algorithm = SignatureAlgorithm.For(key.Algorithm);
        byte[] signature = key.Sign(info);
        writer.Reset();
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info);
            writer.WriteEncodedValue(algorithm.AlgorithmIdentifier);
            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }
}
