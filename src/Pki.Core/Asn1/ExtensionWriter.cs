using System.Formats.Asn1;
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core.Asn1;

/// <summary>Writes the X.509 v3 extensions Pki.Core issues (RFC 5280 section 4.2), each as a whole Extension TLV.</summary>
internal static class ExtensionWriter
{
    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag Context1 = new(TagClass.ContextSpecific, 1);

    public static void BasicConstraints(AsnWriter writer, bool certificateAuthority, int? pathLength)
    {
        using (Open(writer, X509Oids.BasicConstraints, critical: true))
        using (writer.PushSequence())
        {
            if (certificateAuthority)
            {
                writer.WriteBoolean(true);
                if (pathLength is int length)
                {
                    writer.WriteInteger(length);
                }
            }
        }
    }

    public static void KeyUsage(AsnWriter writer, X509KeyUsageFlags usage)
    {
        int flags = (int)usage;
        Span<byte> bits = [(byte)(flags & 0xFF), (byte)((flags >> 8) & 0x80)];
        int length = bits[1] != 0 ? 2 : 1;
        int unused = BitOperations.TrailingZeroCount((uint)bits[length - 1] | 0x100u);
        using (Open(writer, X509Oids.KeyUsage, critical: true))
        {
            writer.WriteBitString(bits[..length], unused == 8 ? 0 : unused);
        }
    }

    public static void ExtendedKeyUsage(AsnWriter writer, IEnumerable<string> oids)
    {
        using (Open(writer, X509Oids.ExtendedKeyUsage, critical: false))
        using (writer.PushSequence())
        {
            foreach (string oid in oids)
            {
                writer.WriteObjectIdentifier(oid);
            }
        }
    }

    public static void SubjectKeyIdentifier(AsnWriter writer, ReadOnlySpan<byte> keyIdentifier)
    {
        using (Open(writer, X509Oids.SubjectKeyIdentifier, critical: false))
        {
            writer.WriteOctetString(keyIdentifier);
        }
    }

    public static void AuthorityKeyIdentifier(AsnWriter writer, ReadOnlySpan<byte> keyIdentifier)
    {
        using (Open(writer, X509Oids.AuthorityKeyIdentifier, critical: false))
        using (writer.PushSequence())
        {
            writer.WriteOctetString(keyIdentifier, Context0);
        }
    }

    /// <summary>subjectAltName; critical when the subject is empty (RFC 5280 section 4.2.1.6).</summary>
    public static void SubjectAltName(AsnWriter writer, SubjectAlternativeNames names, bool critical)
    {
        using (Open(writer, X509Oids.SubjectAltName, critical))
        using (writer.PushSequence())
        {
            GeneralNameWriter.WriteAll(writer, names);
        }
    }

    public static void CrlDistributionPoint(AsnWriter writer, Uri url) => DistributionPoint(writer, X509Oids.CrlDistributionPoints, url);

    /// <summary>
    /// freshestCRL: where the delta CRLs are, with the syntax of cRLDistributionPoints; non-critical, in certificates
    /// (RFC 5280 section 4.2.1.15) and complete CRLs (section 5.2.6).
    /// </summary>
    public static void FreshestCrl(AsnWriter writer, Uri url) => DistributionPoint(writer, X509Oids.FreshestCrl, url);

    /// <summary>CRLDistributionPoints ::= SEQUENCE { DistributionPoint { distributionPoint [0] { fullName [0] { uniformResourceIdentifier } } } }.</summary>
    private static void DistributionPoint(AsnWriter writer, string oid, Uri url)
    {
        using (Open(writer, oid, critical: false))
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence(Context0))
        using (writer.PushSequence(Context0))
        {
            GeneralNameWriter.WriteUri(writer, url);
        }
    }

    public static void AuthorityInfoAccess(AsnWriter writer, Uri? ocsp, Uri? caIssuers)
    {
        using (Open(writer, X509Oids.AuthorityInfoAccess, critical: false))
        using (writer.PushSequence())
        {
            WriteAccessDescription(writer, X509Oids.AccessMethodOcsp, ocsp);
            WriteAccessDescription(writer, X509Oids.AccessMethodCaIssuers, caIssuers);
        }
    }

    /// <summary>nameConstraints, always critical (RFC 5280 section 4.2.1.10).</summary>
    public static void NameConstraints(AsnWriter writer, NameConstraints constraints, IReadOnlyList<IPNetwork> permittedIp, IReadOnlyList<IPNetwork> excludedIp)
    {
        using (Open(writer, X509Oids.NameConstraints, critical: true))
        using (writer.PushSequence())
        {
            WriteSubtrees(writer, Context0, constraints.PermittedDnsDomains, permittedIp, constraints.PermittedEmailDomains);
            WriteSubtrees(writer, Context1, constraints.ExcludedDnsDomains, excludedIp, constraints.ExcludedEmailDomains);
        }
    }

    private static void WriteSubtrees(AsnWriter writer, Asn1Tag tag, IReadOnlyList<string> dns, IReadOnlyList<IPNetwork> ip, IReadOnlyList<string> email)
    {
        if (dns.Count + ip.Count + email.Count == 0)
        {
            return;
        }

        using (writer.PushSequence(tag))
        {
            foreach (string domain in dns)
            {
                using (writer.PushSequence())
                {
                    GeneralNameWriter.WriteDns(writer, domain);
                }
            }

            foreach (var network in ip)
            {
                using (writer.PushSequence())
                {
                    GeneralNameWriter.WriteIpRange(writer, network);
                }
            }

            foreach (string domain in email)
            {
                using (writer.PushSequence())
                {
                    GeneralNameWriter.WriteEmail(writer, domain);
                }
            }
        }
    }

    private static void WriteAccessDescription(AsnWriter writer, string method, Uri? location)
    {
        if (location is null)
        {
            return;
        }

        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(method);
            GeneralNameWriter.WriteUri(writer, location);
        }
    }

    /// <summary>Opens Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }; dispose to close.</summary>
    private static ExtensionScope Open(AsnWriter writer, string oid, bool critical)
    {
        var sequence = writer.PushSequence();
        writer.WriteObjectIdentifier(oid);
        if (critical)
        {
            writer.WriteBoolean(true);
        }

        return new ExtensionScope(sequence, writer.PushOctetString());
    }

    private readonly struct ExtensionScope(AsnWriter.Scope sequence, AsnWriter.Scope octets) : IDisposable
    {
        public void Dispose()
        {
            octets.Dispose();
            sequence.Dispose();
        }
    }
}
