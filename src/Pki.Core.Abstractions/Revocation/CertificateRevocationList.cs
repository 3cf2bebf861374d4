using System.Security.Cryptography;

namespace Pki.Core;

/// <summary>A signed CRL (RFC 5280, section 5): a full CRL, or a delta CRL when <see cref="BaseCrlNumber"/> is set.</summary>
public sealed record CertificateRevocationList
{
    /// <summary>The id of the CA that issued the CRL.</summary>
    public required string AuthorityId { get; init; }

    /// <summary>The cRLNumber. Full and delta CRLs of a CA share one strictly increasing sequence.</summary>
    public required long Number { get; init; }

    /// <summary>For a delta CRL, the number of the full CRL it applies to (the deltaCRLIndicator); null for a full CRL.</summary>
    public long? BaseCrlNumber { get; init; }

    /// <summary>thisUpdate.</summary>
    public required DateTimeOffset ThisUpdate { get; init; }

    /// <summary>nextUpdate.</summary>
    public required DateTimeOffset NextUpdate { get; init; }

    /// <summary>When the CRL was made (the clock reading its entries were selected at).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The CA's last status-change sequence number (<see cref="IRevocationStore.GetLastChangeSequenceAsync"/>) read before
    /// the entries: every change numbered up to it is reflected in this CRL (a delta: with its base); later ones may be
    /// too. 0 for a CRL stored before sequence numbers existed, which so reflects nothing for certain.
    /// </summary>
    public long ChangesThrough { get; init; }

    /// <summary>The number of revokedCertificates entries.</summary>
    public required int EntryCount { get; init; }

    /// <summary>The CRL in DER.</summary>
    public required ReadOnlyMemory<byte> Der { get; init; }

    /// <summary>True for a delta CRL.</summary>
    public bool IsDelta => BaseCrlNumber is not null;

    /// <summary>The CRL in PEM (<c>X509 CRL</c>).</summary>
    public string ToPem() => PemEncoding.WriteString("X509 CRL", Der.Span) + "\n";

    /// <summary>A short summary; never the whole list.</summary>
    public override string ToString() =>
        $"CertificateRevocationList {{ AuthorityId = {AuthorityId}, Number = {Number}, Base = {BaseCrlNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, Entries = {EntryCount}, ThisUpdate = {ThisUpdate:u}, NextUpdate = {NextUpdate:u} }}";
}
