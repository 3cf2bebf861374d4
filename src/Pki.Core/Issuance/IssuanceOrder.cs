namespace Pki.Core.Issuance;

/// <summary>
/// One request for a certificate, whatever its origin (a CSR, a generated key, a redeemed token), in the form the
/// pipeline takes. Everything here has already passed input parsing; the pipeline applies every rule.
/// </summary>
internal sealed record IssuanceOrder
{
    public required CaReference Authority { get; init; }

    /// <summary>
    /// The record of <see cref="Authority"/> as the caller's authorization check read it moments ago in this same
    /// operation, or null: the pipeline then checks that record instead of reading the CA a second time.
    /// </summary>
    public AuthorityRecord? ResolvedAuthority { get; init; }

    public required string Profile { get; init; }

    /// <summary>The subject asked for (from the CSR, or the request for generated keys).</summary>
    public required DistinguishedName RequestedSubject { get; init; }

    /// <summary>Replaces the requested subject.</summary>
    public DistinguishedName? SubjectOverride { get; init; }

    /// <summary>Replaces the common name.</summary>
    public string? CommonNameOverride { get; init; }

    /// <summary>Attributes that win over everything else (a token's locked fields).</summary>
    public IReadOnlyList<DistinguishedNameComponent> LockedAttributes { get; init; } = [];

    /// <summary>The names asked for (from the CSR's extensionRequest).</summary>
    public SubjectAlternativeNames RequestedNames { get; init; } = SubjectAlternativeNames.None;

    /// <summary>Replaces the requested names.</summary>
    public SubjectAlternativeNames? NamesOverride { get; init; }

    public int? ValidityDays { get; init; }

    public string? OwnerOrganization { get; init; }

    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

    public required string PublicKeyFamily { get; init; }

    public required int PublicKeySize { get; init; }

    public string? CsrPem { get; init; }

    public string? TokenId { get; init; }

    /// <summary>The certificate's name (a token's name), or null.</summary>
    public string? Name { get; init; }

    public string? PrivateKeyId { get; init; }

    /// <summary>The enrollment pattern the request named, or null.</summary>
    public string? EnrollmentPattern { get; init; }
}
