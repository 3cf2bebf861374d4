namespace Pki.Core;

/// <summary>OIDs of the distinguished-name attributes Pki.Core knows by name (RFC 4519, RFC 5280 appendix A).</summary>
public static class DistinguishedNameOids
{
    /// <summary>commonName (CN).</summary>
    public const string CommonName = "2.5.4.3";

    /// <summary>surname (SN).</summary>
    public const string Surname = "2.5.4.4";

    /// <summary>serialNumber (SERIALNUMBER).</summary>
    public const string SerialNumber = "2.5.4.5";

    /// <summary>countryName (C).</summary>
    public const string Country = "2.5.4.6";

    /// <summary>localityName (L), the seed APIs' "location".</summary>
    public const string Locality = "2.5.4.7";

    /// <summary>stateOrProvinceName (ST).</summary>
    public const string State = "2.5.4.8";

    /// <summary>streetAddress (STREET).</summary>
    public const string Street = "2.5.4.9";

    /// <summary>organizationName (O).</summary>
    public const string Organization = "2.5.4.10";

    /// <summary>organizationalUnitName (OU).</summary>
    public const string OrganizationalUnit = "2.5.4.11";

    /// <summary>title (T).</summary>
    public const string Title = "2.5.4.12";

    /// <summary>givenName (GN).</summary>
    public const string GivenName = "2.5.4.42";

    /// <summary>domainComponent (DC).</summary>
    public const string DomainComponent = "0.9.2342.19200300.100.1.25";

    /// <summary>userId (UID).</summary>
    public const string UserId = "0.9.2342.19200300.100.1.1";

    /// <summary>emailAddress (E), PKCS#9; deprecated in subjects in favour of an email SAN.</summary>
    public const string EmailAddress = "1.2.840.113549.1.9.1";

    private static readonly (string Name, string Oid)[] Names =
    [
        ("CN", CommonName), ("SN", Surname), ("SERIALNUMBER", SerialNumber), ("C", Country), ("L", Locality),
        ("ST", State), ("STREET", Street), ("O", Organization), ("OU", OrganizationalUnit), ("T", Title),
        ("GN", GivenName), ("DC", DomainComponent), ("UID", UserId), ("E", EmailAddress),
    ];

    internal static string ShortNameOf(string oid)
    {
        foreach (var (name, known) in Names)
        {
            if (known == oid)
            {
                return name;
            }
        }

        return oid;
    }

    internal static string? OidOf(string shortName)
    {
        foreach (var (name, oid) in Names)
        {
            if (string.Equals(name, shortName, StringComparison.OrdinalIgnoreCase))
            {
                return oid;
            }
        }

        return shortName.Equals("EMAILADDRESS", StringComparison.OrdinalIgnoreCase) ? EmailAddress
            : shortName.Equals("S", StringComparison.OrdinalIgnoreCase) ? State
            : null;
    }

    /// <summary>
    /// True when <paramref name="text"/> is a dotted OID that DER can encode (X.660): at least two arcs of decimal digits
    /// without leading zeros, the first 0, 1 or 2, and the second at most 39 under 0 and 1.
    /// </summary>
    internal static bool IsObjectIdentifier(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 1024)
        {
            return false;
        }

        int arcs = 0;
        int start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('.', start);
            if (end < 0)
            {
                end = text.Length;
            }

            var arc = text.AsSpan(start, end - start);
            if (arc.IsEmpty || (arc.Length > 1 && arc[0] == '0') || arc.ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            bool valid = arcs switch
            {
                0 => arc is "0" or "1" or "2",
                1 => text[0] == '2' || (arc.Length <= 2 && int.Parse(arc, System.Globalization.CultureInfo.InvariantCulture) <= 39),
                _ => true,
            };
            if (!valid)
            {
                return false;
            }

            arcs++;
            start = end + 1;
        }

        return arcs >= 2;
    }

    /// <summary>The RFC 5280 upper bound on the value length, in characters, or 0 when unbounded here.</summary>
    internal static int UpperBound(string oid) => oid switch
    {
        CommonName or Organization or OrganizationalUnit or Title or SerialNumber => 64,
        Locality or State => 128,
        EmailAddress => 255,
        Country => 2,
        _ => 256,
    };
}
