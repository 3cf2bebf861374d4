using System.Net;

namespace Pki.Core.Issuance;

/// <summary>
/// Refuses names outside the name constraints of the issuing CA and its ancestors (RFC 5280 section 4.2.1.10), so the
/// library never signs a certificate that path validation would reject: the SANs, the subject's emailAddress attributes
/// (which section 4.2.1.10 puts under rfc822Name constraints), and a host-name common name when there is no dNSName SAN
/// (every common name OpenSSL reads as a host name). A wildcard SAN is refused when it could stand for an excluded name.
/// </summary>
internal static class NameConstraintsPolicy
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.PolicyViolation"/> naming the offending value.</exception>
    public static void Enforce(IReadOnlyList<NameConstraints> constraints, SubjectAlternativeNames names, DistinguishedName subject)
    {
        if (constraints.Count == 0)
        {
            return;
        }

        var subjectEmails = subject.Components.Where(c => c.Oid == DistinguishedNameOids.EmailAddress).Select(c => c.Value).ToList();
        // OpenSSL's rule: with no DNS SAN, every common name that reads as a host name is held to the DNS constraints.
        var hostCommonNames = names.DnsNames.Count == 0
            ? subject.Components.Where(c => c.Oid == DistinguishedNameOids.CommonName && LooksLikeHostName(c.Value)).Select(c => c.Value).ToList()
            : [];
        foreach (var constraint in constraints)
        {
            foreach (string dns in names.DnsNames)
            {
                Check(dns, "DNS name", constraint.PermittedDnsDomains, constraint.ExcludedDnsDomains, DnsMatches, WildcardCovers);
            }

            foreach (string hostCommonName in hostCommonNames)
            {
                Check(hostCommonName, "common name", constraint.PermittedDnsDomains, constraint.ExcludedDnsDomains, DnsMatches, WildcardCovers);
            }

            foreach (string email in names.EmailAddresses.Concat(subjectEmails))
            {
                Check(email, "email address", constraint.PermittedEmailDomains, constraint.ExcludedEmailDomains, EmailMatches);
            }

            foreach (var address in names.IpAddresses)
            {
                Check(address, "IP address", constraint.PermittedIpRanges, constraint.ExcludedIpRanges, IpMatches);
            }
        }
    }

    private static void Check<T>(
        T name, string kind, IReadOnlyList<string> permitted, IReadOnlyList<string> excluded, Func<T, string, bool> matches, Func<T, string, bool>? overlaps = null)
    {
        if (permitted.Count > 0 && !permitted.Any(p => matches(name, p)))
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"The {kind} '{name}' is outside the issuing CA's permitted name constraints.");
        }

        if (excluded.Any(e => matches(name, e) || (overlaps?.Invoke(name, e) ?? false)))
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"The {kind} '{name}' is excluded by the issuing CA's name constraints.");
        }
    }

    /// <summary>"example.com" matches itself and its subdomains; ".example.com" only subdomains.</summary>
    internal static bool DnsMatches(string name, string constraint)
    {
        if (constraint.Length == 0)
        {
            return true;
        }

        if (constraint.StartsWith('.'))
        {
            return name.EndsWith(constraint, StringComparison.OrdinalIgnoreCase);
        }

        return name.Equals(constraint, StringComparison.OrdinalIgnoreCase)
            || (name.Length > constraint.Length && name.EndsWith(constraint, StringComparison.OrdinalIgnoreCase) && name[^(constraint.Length + 1)] == '.');
    }

    /// <summary>
    /// How OpenSSL decides that a common name is a host name (its <c>cn2dnsid</c>): at least one dot, non-empty labels of
    /// letters, digits, '-' and '_', an optional leading "*." — and not an IP address.
    /// </summary>
    internal static bool LooksLikeHostName(string value)
    {
        var name = value.StartsWith("*.", StringComparison.Ordinal) ? value.AsSpan(2) : value.AsSpan();
        if (name.IndexOf('.') < 0 || IPAddress.TryParse(value, out _))
        {
            return false;
        }

        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.IsEmpty || label.ContainsAnyExcept(HostNameCharacters))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> HostNameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>
    /// True when the wildcard <paramref name="name"/> ("*.example.com") could stand for a name in the excluded subtree
    /// <paramref name="constraint"/>: the subtree lies at or under the wildcard's base ("host.example.com", "example.com"
    /// itself, ".x.example.com"). Conservative, as browsers match wildcards against excluded subtrees.
    /// </summary>
    internal static bool WildcardCovers(string name, string constraint) =>
        name.StartsWith("*.", StringComparison.Ordinal) && constraint.TrimStart('.') is { Length: > 0 } subtree && DnsMatches(subtree, name[2..]);

    /// <summary>"a@example.com" matches that mailbox; "example.com" any mailbox at that host; ".example.com" any mailbox below it.</summary>
    internal static bool EmailMatches(string address, string constraint)
    {
        if (constraint.Contains('@', StringComparison.Ordinal))
        {
            return address.Equals(constraint, StringComparison.OrdinalIgnoreCase);
        }

        int at = address.LastIndexOf('@');
        string host = at < 0 ? address : address[(at + 1)..];
        return constraint.StartsWith('.')
            ? host.EndsWith(constraint, StringComparison.OrdinalIgnoreCase)
            : host.Equals(constraint, StringComparison.OrdinalIgnoreCase);
    }

    internal static bool IpMatches(IPAddress address, string cidr) =>
        IPNetwork.TryParse(cidr, out var network) && network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address);
}
