namespace Pki.Core;

/// <summary>
/// Creates a single-use certificate request token carrying pre-approved certificate metadata. Subject fields that are
/// set are locked: the CSR redeemed with the token cannot change them. Fields left null come from the CSR.
/// </summary>
public sealed record CreateRequestTokenRequest
{
    /// <summary>The token's name, also the name of the certificate it produces (1 to 200 characters, no control characters).</summary>
    public required string Name { get; init; }

    /// <summary>The issuing CA.</summary>
    public required CaReference Authority { get; init; }

    /// <summary>The locked common name (CN), or null to take it from the CSR.</summary>
    public string? CommonName { get; init; }

    /// <summary>The locked organization (O), or null to take it from the CSR.</summary>
    public string? Organization { get; init; }

    /// <summary>The locked organizational unit (OU), or null to take it from the CSR.</summary>
    public string? OrganizationalUnit { get; init; }

    /// <summary>Certificate validity in years of 365 days. Set this or <see cref="ValidityDays"/>, or neither for the profile's default.</summary>
    public int? ValidYears { get; init; }

    /// <summary>Certificate validity in days. Set this or <see cref="ValidYears"/>, or neither for the profile's default.</summary>
    public int? ValidityDays { get; init; }

    /// <summary>When the token stops being redeemable; default now plus <c>Tokens.DefaultLifetime</c>, at most now plus
    /// <c>Tokens.MaximumLifetime</c>. Rounded down to the whole second.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The profile of the certificate. Default <see cref="CertificateProfiles.Client"/>; CA profiles are refused.</summary>
    public string Profile { get; init; } = CertificateProfiles.Client;

    /// <summary>The organization that owns the token and the certificate record; defaults to the CA's organization.
    /// (Named apart from <see cref="Organization"/>, which is the subject's O attribute.)</summary>
    public string? OwnerOrganization { get; init; }
}
