using System.Net;

namespace Pki.Core.Issuance;

/// <summary>
/// The SAN rules of a profile: defaults taken from the common name, then the allowed SAN types. Servers and dual
/// certificates without a DNS SAN get the CN as an IP SAN when it is an IP literal (and no IP SAN was given), else as a
/// DNS SAN when it is a DNS name; client certificates whose CN is an email get an email SAN;
/// servers reject email SANs; clients reject DNS and IP SANs (when using the built-in profiles).
/// </summary>
internal static class SubjectAlternativeNamePolicy
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.PolicyViolation"/>, <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/>,
    /// <see cref="PkiErrorCode.InputTooLarge"/> for more than <paramref name="maxCount"/> names, the common name added from
    /// the defaults included (so a certificate never has more).</exception>
    public static SubjectAlternativeNames Apply(SubjectAlternativeNames names, string? commonName, CertificateProfile profile, string profileName, int maxCount)
    {
        SubjectAlternativeNameSyntax.Validate(names, maxCount);
        var requested = Distinct(names);
        names = AddDefaults(requested, commonName, profile.Type);
        var allowed = profile.AllowedSubjectAlternativeNames;
        Require(names.DnsNames.Count == 0 || allowed.HasFlag(SubjectAlternativeNameTypes.Dns), profileName, "DNS");
        Require(names.IpAddresses.Count == 0 || allowed.HasFlag(SubjectAlternativeNameTypes.IpAddress), profileName, "IP address");
        Require(names.EmailAddresses.Count == 0 || allowed.HasFlag(SubjectAlternativeNameTypes.Email), profileName, "email");
        Require(names.Uris.Count == 0 || allowed.HasFlag(SubjectAlternativeNameTypes.Uri), profileName, "URI");
        if (names.Count > maxCount)
        {
            // The requested names are within the cap (Validate), so the common name the defaults added is the one too many.
            throw new PkiException(PkiErrorCode.InputTooLarge,
                $"At most {maxCount} subject alternative names are allowed, and the common name '{commonName}' counts: it is added to the "
                + $"{requested.Count} requested as a subject alternative name (for server and dual certificates, CA/Browser Forum baseline "
                + $"requirements 7.1.4.3). Request at most {maxCount - 1} others, or the common name among them.");
        }

        if (profile.Type is CertificateType.Server && names.DnsNames.Count == 0 && names.IpAddresses.Count == 0)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation,
                "A server certificate needs a DNS or IP subject alternative name, and the common name is neither.");
        }

        return names;
    }

    private static SubjectAlternativeNames AddDefaults(SubjectAlternativeNames names, string? commonName, CertificateType type)
    {
        if (commonName is null)
        {
            return names;
        }

        // A server's CN that names a host is one of its SANs (CA/Browser Forum baseline requirements 7.1.4.3; clients
        // ignore the CN once there are SANs, so a CN missing from them names a host the certificate is not valid for).
        bool serves = type is CertificateType.Server or CertificateType.Dual;
        if (serves)
        {
            // An IP literal is checked first: "10.1.2.3" would otherwise be read as a DNS name.
            if (IPAddress.TryParse(commonName, out var address) && address.ToString() == commonName)
            {
                return names.IpAddresses.Contains(address)
                    ? names
                    : new SubjectAlternativeNames(names.DnsNames, [.. names.IpAddresses, address], names.EmailAddresses, names.Uris);
            }

            if (SubjectAlternativeNameSyntax.IsDnsName(commonName))
            {
                // The CN must be a character-for-character copy of a dNSName (7.1.4.3). DNS names compare without
                // case, so a SAN that differs from the CN only in case takes the CN's spelling.
                var dns = names.DnsNames.ToList();
                int same = dns.FindIndex(name => string.Equals(name, commonName, StringComparison.OrdinalIgnoreCase));
                if (same >= 0 && dns[same] == commonName)
                {
                    return names;
                }

                if (same >= 0)
                {
                    dns[same] = commonName;
                }
                else
                {
                    dns.Add(commonName);
                }

                return new SubjectAlternativeNames(dns, names.IpAddresses, names.EmailAddresses, names.Uris);
            }
        }

        if (type is CertificateType.Client && names.EmailAddresses.Count == 0 && SubjectAlternativeNameSyntax.IsEmailAddress(commonName))
        {
            return new SubjectAlternativeNames(names.DnsNames, names.IpAddresses, [commonName], names.Uris);
        }

        return names;
    }

    /// <summary>Drops repeated names (DNS names and email domains compare case-insensitively), keeping the first of each.</summary>
    private static SubjectAlternativeNames Distinct(SubjectAlternativeNames names)
    {
        int count = names.Count;
        var dns = names.DnsNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ips = names.IpAddresses.Distinct().ToList();
        var emails = names.EmailAddresses.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var uris = names.Uris.DistinctBy(u => u.OriginalString, StringComparer.Ordinal).ToList();
        return dns.Count + ips.Count + emails.Count + uris.Count == count ? names : new SubjectAlternativeNames(dns, ips, emails, uris);
    }

    private static void Require(bool condition, string profileName, string kind)
    {
        if (!condition)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"Profile '{profileName}' does not allow {kind} subject alternative names.");
        }
    }
}
