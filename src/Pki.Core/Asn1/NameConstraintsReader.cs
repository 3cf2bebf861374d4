using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core.Asn1;

/// <summary>
/// Reads the nameConstraints extension of a CA certificate the library did not make (an import), so that the pipeline
/// enforces it on everything the CA issues, as it does for the CAs it creates (RFC 5280, section 4.2.1.10).
/// </summary>
internal static class NameConstraintsReader
{
    private static readonly Asn1Tag Permitted = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Excluded = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Rfc822Name = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IpAddress = new(TagClass.ContextSpecific, 7);

    /// <summary>The constraints of <paramref name="certificate"/>, or null when it has none.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> when the extension is malformed;
    /// <see cref="PkiErrorCode.InvalidRequest"/> when it constrains a kind of name the library cannot enforce (directory
    /// names, URIs, other names…) or uses minimum/maximum, which it would otherwise silently ignore;
    /// <see cref="PkiErrorCode.InputTooLarge"/> past <see cref="Authority.AuthorityCertificateFactory.MaximumNameConstraints"/> subtrees.</exception>
    public static NameConstraints? Read(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid?.Value == X509Oids.NameConstraints);
        if (extension is null)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var permitted = sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Permitted) ? ReadSubtrees(sequence, Permitted) : Subtrees.Empty;
            var excluded = sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Excluded) ? ReadSubtrees(sequence, Excluded) : Subtrees.Empty;
            sequence.ThrowIfNotEmpty();
            var constraints = new NameConstraints
            {
                PermittedDnsDomains = permitted.Dns,
                ExcludedDnsDomains = excluded.Dns,
                PermittedIpRanges = permitted.Ip,
                ExcludedIpRanges = excluded.Ip,
                PermittedEmailDomains = permitted.Email,
                ExcludedEmailDomains = excluded.Email,
            };
            Authority.AuthorityCertificateFactory.CheckNameConstraintCount(constraints);
            return constraints.IsEmpty ? null : constraints;
        }
        catch (AsnContentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The CA certificate's nameConstraints extension is malformed.", ex);
        }
    }

    private static Subtrees ReadSubtrees(AsnReader sequence, Asn1Tag tag)
    {
        var subtrees = sequence.ReadSequence(tag);
        var result = new Subtrees([], [], []);
        if (!subtrees.HasData)
        {
            throw new AsnContentException("Empty GeneralSubtrees."); // SIZE (1..MAX)
        }

        while (subtrees.HasData)
        {
            var subtree = subtrees.ReadSequence();
            var name = subtree.PeekTag();
            if (name.HasSameClassAndValue(DnsName))
            {
                result.Dns.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, DnsName));
            }
            else if (name.HasSameClassAndValue(Rfc822Name))
            {
                result.Email.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, Rfc822Name));
            }
            else if (name.HasSameClassAndValue(IpAddress))
            {
                result.Ip.Add(Cidr(subtree.ReadOctetString(IpAddress)));
            }
            else
            {
                throw Unsupported($"a name of kind [{name.TagValue}] (only DNS names, email addresses and IP ranges are enforced)");
            }

            if (subtree.HasData)
            {
                throw Unsupported("a subtree with minimum or maximum");
            }
        }

        return result;
    }

    /// <summary>An iPAddress constraint (address then mask, 8 or 32 octets) as CIDR text; the mask must be a prefix.</summary>
    private static string Cidr(byte[] addressAndMask)
    {
        if (addressAndMask.Length is not (8 or 32))
        {
            throw new AsnContentException("An iPAddress constraint is 8 or 32 octets.");
        }

        int half = addressAndMask.Length / 2;
        var mask = addressAndMask.AsSpan(half);
        int prefix = 0;
        while (prefix < mask.Length * 8 && (mask[prefix / 8] & (0x80 >> (prefix % 8))) != 0)
        {
            prefix++;
        }

        for (int bit = prefix; bit < mask.Length * 8; bit++)
        {
            if ((mask[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                throw Unsupported("an IP range whose mask is not a prefix");
            }
        }

        byte[] address = addressAndMask[..half];
        for (int i = 0; i < half; i++)
        {
            address[i] &= mask[i];
        }

        return new IPNetwork(new IPAddress(address), prefix).ToString();
    }

    private static PkiException Unsupported(string what) =>
        new(PkiErrorCode.InvalidRequest, $"The CA certificate's name constraints hold {what}, which the library cannot enforce on what it issues; such a CA cannot be imported.");

    private sealed record Subtrees(List<string> Dns, List<string> Ip, List<string> Email)
    {
        public static Subtrees Empty => new([], [], []);
    }
}
