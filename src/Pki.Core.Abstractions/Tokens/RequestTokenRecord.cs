namespace Pki.Core;

/// <summary>
/// A certificate request token as the library remembers it. It never holds the secret or its hash: the hash lives
/// only in <see cref="StoredRequestToken"/>, between the engine and the store.
/// </summary>
public sealed record RequestTokenRecord
{
    /// <summary>The token id (32 lower-case hex characters). Not a secret.</summary>
    public required string Id { get; init; }

    /// <summary>The token's name, also the name of the certificate it produces.</summary>
    public required string Name { get; init; }

    /// <summary>The issuing CA.</summary>
    public required AuthoritySummary Authority { get; init; }

    /// <summary>The locked common name (CN), or null when the CSR's is used.</summary>
    public string? CommonName { get; init; }

    /// <summary>The locked organization (O), or null when the CSR's is used.</summary>
    public string? Organization { get; init; }

    /// <summary>The locked organizational unit (OU), or null when the CSR's is used.</summary>
    public string? OrganizationalUnit { get; init; }

    /// <summary>The certificate validity in days, or null for the profile's default.</summary>
    public int? ValidityDays { get; init; }

    /// <summary>The certificate profile.</summary>
    public required string Profile { get; init; }

    /// <summary>The organization that owns the token and the certificate, or null.</summary>
    public string? OwnerOrganization { get; init; }

    /// <summary>When the token was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the token stops being redeemable: it is expired at and after this instant.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The state. Stores keep <see cref="RequestTokenState.Unused"/>, <see cref="RequestTokenState.Used"/> or
    /// <see cref="RequestTokenState.Deleted"/>; the service reports <see cref="RequestTokenState.Expired"/> for an unused
    /// token past <see cref="ExpiresAt"/>.</summary>
    public RequestTokenState State { get; init; } = RequestTokenState.Unused;

    /// <summary>When the token was redeemed, or null.</summary>
    public DateTimeOffset? RedeemedAt { get; init; }

    /// <summary>The id of the certificate the token was redeemed into, or null.</summary>
    public string? CertificateId { get; init; }

    /// <summary>When the token was deleted, or null.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>
    /// The state at <paramref name="now"/>: <see cref="RequestTokenState.Expired"/> when the token is unused and
    /// <paramref name="now"/> is at or after <see cref="ExpiresAt"/>; otherwise <see cref="State"/>.
    /// </summary>
    public RequestTokenState StateAt(DateTimeOffset now) =>
        State == RequestTokenState.Unused && now >= ExpiresAt ? RequestTokenState.Expired : State;

    /// <summary>Shows the id, name, CA and state.</summary>
    public override string ToString() =>
        $"RequestTokenRecord {{ Id = {Id}, Name = {Name}, Authority = {Authority.Id}, Profile = {Profile}, State = {State}, ExpiresAt = {ExpiresAt:u}, CertificateId = {CertificateId} }}";
}
