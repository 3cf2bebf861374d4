using System.Security.Cryptography;

namespace Pki.Core.Tokens;

internal sealed partial class RequestTokenService
{
    private const int MaxNameLength = 200;
    private const int MaxValidYears = 100;
    private const int DaysPerYear = 365;

    public async ValueTask<CreatedRequestToken> CreateAsync(CreateRequestTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Authority);
        ValidateName(request.Name);
        RequestText.CheckOrganization(request.OwnerOrganization);
        string profileName = request.Profile ?? CertificateProfiles.Client;
        var profile = profiles.Get(profileName);
        if (profile.Type == CertificateType.CertificateAuthority)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"Profile '{profileName}' makes CA certificates; a request token cannot.");
        }

        int? validityDays = ValidityDays(request, profile.MaximumValidityDays);

        // Validates the locked values as attribute values now, so that a bad lock fails here and not at redemption.
        _ = DistinguishedName.Create(request.CommonName, request.Organization, request.OrganizationalUnit);

        var authority = await authorities.FindAsync(request.Authority, cancellationToken).ConfigureAwait(false);
        if (authority.Status != AuthorityStatus.Active)
        {
            throw new PkiException(PkiErrorCode.AuthorityUnavailable, $"CA '{authority.Name}' is revoked and cannot issue.");
        }

        var now = time.GetUtcNow();
        var expiresAt = ExpiresAt(request.ExpiresAt, now, options.Value.Tokens);
        string secret = TokenSecret.Generate();
        byte[] hash = TokenSecret.HashOrNull(secret)!;
        var token = new RequestTokenRecord
        {
            Id = ids.NewId(),
            Name = request.Name,
            Authority = authority.ToSummary(),
            CommonName = request.CommonName,
            Organization = request.Organization,
            OrganizationalUnit = request.OrganizationalUnit,
            ValidityDays = validityDays,
            Profile = profileName,
            OwnerOrganization = request.OwnerOrganization ?? authority.Organization,
            CreatedAt = WholeSeconds(now),
            ExpiresAt = expiresAt,
        };
        await store.AddAsync(new StoredRequestToken(token, hash), cancellationToken).ConfigureAwait(false);
        LogCreated(_logger, token.Id, token.Name, token.Authority.Id, token.Profile, token.ExpiresAt);
        return new CreatedRequestToken { Token = token, Secret = secret };
    }

    private static void ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || !RequestText.IsClean(name))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A token name must be 1 to {MaxNameLength} characters without control characters or unpaired surrogates.");
        }
    }

    /// <summary>The validity in days from years or days (exactly one or neither), checked against the profile's cap.</summary>
    private static int? ValidityDays(CreateRequestTokenRequest request, int maximumDays)
    {
        if (request.ValidYears is not null && request.ValidityDays is not null)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "Give the certificate validity in years or in days, not both.");
        }

        if (request.ValidYears is int years && years is < 1 or > MaxValidYears)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"ValidYears must be between 1 and {MaxValidYears}, not {years}.");
        }

        int? days = request.ValidYears * DaysPerYear ?? request.ValidityDays;
        if (days is int d && (d < 1 || d > maximumDays))
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"Validity must be between 1 and {maximumDays} days, not {d}.");
        }

        return days;
    }

    /// <summary>The token's expiry: given or default, in UTC, rounded down to the second, after now and within the maximum lifetime.</summary>
    private static DateTimeOffset ExpiresAt(DateTimeOffset? requested, DateTimeOffset now, RequestTokenOptions settings)
    {
        var expiresAt = WholeSeconds(requested ?? now + settings.DefaultLifetime);
        if (expiresAt <= now || expiresAt > now + settings.MaximumLifetime)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"ExpiresAt must be after {now:u} and at most {settings.MaximumLifetime.TotalDays:0.##} days later, not {expiresAt:u}.");
        }

        return expiresAt;
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond));
    }
}
