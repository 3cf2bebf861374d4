using System.Formats.Asn1;

namespace Pki.Core.Asn1;

/// <summary>
/// Writes the alternative-key extensions of ITU-T X.509 (10/2019) section 9.8, always non-critical so that verifiers
/// that do not know them still accept the certificate on its classical signature.
/// </summary>
internal static class AlternativeKeyExtensionWriter
{
    /// <summary>subjectAltPublicKeyInfo (9.8.2): SEQUENCE { algorithm, subjectAltPublicKey BIT STRING }, the shape of a SubjectPublicKeyInfo.</summary>
    public static void SubjectAltPublicKeyInfo(AsnWriter writer, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using (Open(writer, PqcOids.SubjectAltPublicKeyInfo))
        {
            writer.WriteEncodedValue(subjectPublicKeyInfo);
        }
    }

    /// <summary>altSignatureAlgorithm (9.8.3): the AlgorithmIdentifier of the alternative signature.</summary>
    public static void AltSignatureAlgorithm(AsnWriter writer, ReadOnlySpan<byte> algorithmIdentifier)
    {
        using (Open(writer, PqcOids.AltSignatureAlgorithm))
        {
            writer.WriteEncodedValue(algorithmIdentifier);
        }
    }

    /// <summary>altSignatureValue (9.8.4): the alternative signature as a BIT STRING.</summary>
    public static void AltSignatureValue(AsnWriter writer, ReadOnlySpan<byte> signature)
    {
        using (Open(writer, PqcOids.AltSignatureValue))
        {
            writer.WriteBitString(signature);
        }
    }

    private static Scope Open(AsnWriter writer, string oid)
    {
        var sequence = writer.PushSequence();
        writer.WriteObjectIdentifier(oid);
        return new Scope(sequence, writer.PushOctetString());
    }

    private readonly struct Scope(AsnWriter.Scope sequence, AsnWriter.Scope octets) : IDisposable
    {
        public void Dispose()
        {
            octets.Dispose();
            sequence.Dispose();
        }
    }
}
