using System.Formats.Asn1;
using Pki.Core.Asn1;

namespace Pki.Core.Revocation;

/// <summary>
/// Writes a v2 CertificateList (RFC 5280 section 5.1) directly with <see cref="AsnWriter"/>, one pass over the entries:
/// time and memory grow linearly with the number of entries (no per-entry object model, no re-sorting).
/// </summary>
internal static class CrlWriter
{
    private const string ReasonCodeOid = "2.5.29.21";
    private const string InvalidityDateOid = "2.5.29.24";
    private const string CrlNumberOid = "2.5.29.20";
    private const string DeltaCrlIndicatorOid = "2.5.29.27";
    private const string IssuingDistributionPointOid = "2.5.29.28";

    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>The reasonCode entry extension, pre-encoded per reason (null for unspecified, which is written without one).</summary>
    private static readonly byte[]?[] ReasonExtensions = Enumerable.Range(0, 11).Select(EncodeReason).ToArray();

    /// <summary>Writes the TBSCertList.</summary>
    public static byte[] WriteTbs(in CrlFields fields, IReadOnlyList<CrlEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        // AsnWriter grows its buffer 1 KiB at a time, copying everything each time: a capacity that is even slightly
        // short makes a large CRL quadratic. So the capacity is an upper bound computed from the entries.
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024 + EstimateEntriesSize(entries));
        using (writer.PushSequence())
        {
            writer.WriteInteger(1); // v2
            writer.WriteEncodedValue(fields.SignatureAlgorithm.Span);
            writer.WriteEncodedValue(fields.IssuerName.Span);
            DerTime.Write(writer, fields.ThisUpdate);
            DerTime.Write(writer, fields.NextUpdate);
            if (entries.Count > 0)
            {
                // RFC 5280 section 5.1.2.6: the list is absent, not empty, when nothing is revoked.
                using (writer.PushSequence())
                {
                    for (int i = 0; i < entries.Count; i++)
                    {
                        WriteEntry(writer, entries[i]);
                    }
                }
            }

            using (writer.PushSequence(Context0))
            using (writer.PushSequence())
            {
                ExtensionWriter.AuthorityKeyIdentifier(writer, fields.KeyIdentifier.Span);
                using (Open(writer, CrlNumberOid, critical: false))
                {
                    writer.WriteInteger(fields.Number);
                }

                if (fields.BaseCrlNumber is long baseNumber)
                {
                    using (Open(writer, DeltaCrlIndicatorOid, critical: true))
                    {
                        writer.WriteInteger(baseNumber);
                    }
                }

                if (fields.DistributionPoint is { } url)
                {
                    // IssuingDistributionPoint { distributionPoint [0] { fullName [0] { uniformResourceIdentifier } } }, critical (section 5.2.5).
                    using (Open(writer, IssuingDistributionPointOid, critical: true))
                    using (writer.PushSequence())
                    using (writer.PushSequence(Context0))
                    using (writer.PushSequence(Context0))
                    {
                        GeneralNameWriter.WriteUri(writer, url);
                    }
                }

                if (fields.FreshestCrl is { } delta && fields.BaseCrlNumber is null)
                {
                    // freshestCRL, non-critical, in complete CRLs only (RFC 5280 section 5.2.6): a delta never points at deltas.
                    ExtensionWriter.FreshestCrl(writer, delta);
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING } — the same shape as a Certificate.</summary>
    public static byte[] Assemble(ReadOnlySpan<byte> tbs, ReadOnlySpan<byte> signatureAlgorithm, ReadOnlySpan<byte> signature) =>
        Issuance.CertificateWriter.Assemble(tbs, signatureAlgorithm, signature);

    /// <summary>An upper bound of the encoded size of the revokedCertificates list.</summary>
    private static int EstimateEntriesSize(IReadOnlyList<CrlEntry> entries)
    {
        long size = 8;
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            // SEQUENCE header (≤ 4) + INTEGER (2 + serial) + time (≤ 17) + extensions header (≤ 4)
            // + reasonCode extension (≤ 14) + invalidityDate extension (≤ 28).
            size += 4 + 2 + entry.SerialNumber.Bytes.Length + 17 + 4 + 14 + (entry.InvalidityDate is null ? 0 : 28);
        }

        return (int)Math.Min(size, int.MaxValue / 2);
    }

    private static void WriteEntry(AsnWriter writer, in CrlEntry entry)
    {
        using (writer.PushSequence())
        {
            writer.WriteInteger(entry.SerialNumber.Bytes);
            DerTime.Write(writer, entry.RevokedAt);
            byte[]? reason = ReasonExtensions[(int)entry.Reason];
            if (reason is null && entry.InvalidityDate is null)
            {
                return;
            }

            using (writer.PushSequence())
            {
                if (reason is not null)
                {
                    writer.WriteEncodedValue(reason);
                }

                if (entry.InvalidityDate is { } invalidity)
                {
                    using (Open(writer, InvalidityDateOid, critical: false))
                    {
                        writer.WriteGeneralizedTime(DerTime.TruncateToSecond(invalidity), omitFractionalSeconds: true);
                    }
                }
            }
        }
    }

    private static byte[]? EncodeReason(int reason)
    {
        if (reason is 0 or 7)
        {
            return null;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (Open(writer, ReasonCodeOid, critical: false))
        {
            writer.WriteEnumeratedValue((RevocationReason)reason);
        }

        return writer.Encode();
    }

    private static Scope Open(AsnWriter writer, string oid, bool critical)
    {
        var sequence = writer.PushSequence();
        writer.WriteObjectIdentifier(oid);
        if (critical)
        {
            writer.WriteBoolean(true);
        }

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

/// <summary>
/// The fields of a TBSCertList other than its entries. <c>FreshestCrl</c> is where the CA's delta CRLs are (freshestCRL,
/// RFC 5280 section 5.2.6), written on complete CRLs only (<c>BaseCrlNumber</c> null).
/// </summary>
internal readonly record struct CrlFields(
    ReadOnlyMemory<byte> SignatureAlgorithm,
    ReadOnlyMemory<byte> IssuerName,
    ReadOnlyMemory<byte> KeyIdentifier,
    DateTimeOffset ThisUpdate,
    DateTimeOffset NextUpdate,
    long Number,
    long? BaseCrlNumber,
    Uri? DistributionPoint,
    Uri? FreshestCrl = null);

/// <summary>One revokedCertificates entry.</summary>
internal readonly record struct CrlEntry(SerialNumber SerialNumber, DateTimeOffset RevokedAt, RevocationReason Reason, DateTimeOffset? InvalidityDate);
