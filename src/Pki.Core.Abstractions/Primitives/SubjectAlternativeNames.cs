using System.Net;

namespace Pki.Core;

/// <summary>
/// The subject alternative names of a certificate (RFC 5280, section 4.2.1.6): DNS names, IP addresses, email
/// addresses (rfc822Name) and URIs. Immutable; compared by value, in order.
/// </summary>
/// <remarks>Values are validated by the issuance pipeline, not here, so that hostile input gets one error path.</remarks>
public sealed class SubjectAlternativeNames : IEquatable<SubjectAlternativeNames>
{
    /// <summary>No names at all.</summary>
    public static SubjectAlternativeNames None { get; } = new();

    /// <summary>Creates a set of names; null lists mean none.</summary>
    public SubjectAlternativeNames(
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        IEnumerable<string>? emailAddresses = null,
        IEnumerable<Uri>? uris = null)
    {
        DnsNames = dnsNames is null ? [] : [.. dnsNames];
        IpAddresses = ipAddresses is null ? [] : [.. ipAddresses];
        EmailAddresses = emailAddresses is null ? [] : [.. emailAddresses];
        Uris = uris is null ? [] : [.. uris];
    }

    /// <summary>dNSName entries.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>iPAddress entries.</summary>
    public IReadOnlyList<IPAddress> IpAddresses { get; }

    /// <summary>rfc822Name entries.</summary>
    public IReadOnlyList<string> EmailAddresses { get; }

    /// <summary>uniformResourceIdentifier entries.</summary>
    public IReadOnlyList<Uri> Uris { get; }

    /// <summary>The total number of names.</summary>
    public int Count => DnsNames.Count + IpAddresses.Count + EmailAddresses.Count + Uris.Count;

    /// <summary>True when there are no names.</summary>
    public bool IsEmpty => Count == 0;

    /// <inheritdoc />
    public bool Equals(SubjectAlternativeNames? other) =>
        other is not null
        && DnsNames.SequenceEqual(other.DnsNames, StringComparer.Ordinal)
        && IpAddresses.SequenceEqual(other.IpAddresses)
        && EmailAddresses.SequenceEqual(other.EmailAddresses, StringComparer.Ordinal)
        && Uris.Select(u => u.OriginalString).SequenceEqual(other.Uris.Select(u => u.OriginalString), StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SubjectAlternativeNames);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DnsNames.Count, IpAddresses.Count, EmailAddresses.Count, Uris.Count);

    /// <inheritdoc />
    public override string ToString() => string.Join(", ",
        DnsNames.Select(n => "DNS:" + n)
            .Concat(IpAddresses.Select(a => "IP:" + a))
            .Concat(EmailAddresses.Select(e => "email:" + e))
            .Concat(Uris.Select(u => "URI:" + u.OriginalString)));

    /// <summary>Compares two values by value.</summary>
    public static bool operator ==(SubjectAlternativeNames? left, SubjectAlternativeNames? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two values by value.</summary>
    public static bool operator !=(SubjectAlternativeNames? left, SubjectAlternativeNames? right) => !(left == right);
}
