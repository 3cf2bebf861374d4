namespace Pki.Core;

/// <summary>
/// Name constraints for a CA certificate (RFC 5280, section 4.2.1.10). DNS and email entries are domain names
/// (<c>example.com</c> matches it and its subdomains; an email entry may also be a full address); IP entries are
/// CIDR ranges such as <c>10.0.0.0/8</c> or <c>2001:db8::/32</c>.
/// </summary>
public sealed record NameConstraints
{
    /// <summary>Permitted DNS subtrees.</summary>
    public IReadOnlyList<string> PermittedDnsDomains { get; init; } = [];

    /// <summary>Excluded DNS subtrees.</summary>
    public IReadOnlyList<string> ExcludedDnsDomains { get; init; } = [];

    /// <summary>Permitted IP ranges in CIDR notation.</summary>
    public IReadOnlyList<string> PermittedIpRanges { get; init; } = [];

    /// <summary>Excluded IP ranges in CIDR notation.</summary>
    public IReadOnlyList<string> ExcludedIpRanges { get; init; } = [];

    /// <summary>Permitted email domains or addresses.</summary>
    public IReadOnlyList<string> PermittedEmailDomains { get; init; } = [];

    /// <summary>Excluded email domains or addresses.</summary>
    public IReadOnlyList<string> ExcludedEmailDomains { get; init; } = [];

    /// <summary>True when no constraint is set.</summary>
    public bool IsEmpty =>
        PermittedDnsDomains.Count + ExcludedDnsDomains.Count + PermittedIpRanges.Count
        + ExcludedIpRanges.Count + PermittedEmailDomains.Count + ExcludedEmailDomains.Count == 0;
}
