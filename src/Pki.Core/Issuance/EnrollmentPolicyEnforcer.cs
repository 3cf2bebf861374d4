using Microsoft.Extensions.Options;
using Pki.Core.Keys;

namespace Pki.Core.Issuance;

/// <summary>
/// Applies the system-wide enrollment policy, the profile's (template's) allowed keys and the chosen enrollment pattern to
/// one enrollment. Where the pattern restricts key algorithms it replaces the profile's list (the pattern wins, as in the
/// seed); the system-wide policy always applies. Called by the one issuance pipeline and by CSR generation.
/// </summary>
internal sealed class EnrollmentPolicyEnforcer(IOptions<PkiOptions> options)
{
    /// <param name="keyFamily">The key family: <c>RSA</c>, <c>ECDSA</c>, <c>Ed25519</c>, <c>ML-DSA</c>.</param>
    /// <param name="keySize">The key size as <see cref="KeyAlgorithmFacts.Size"/> reports it.</param>
    /// <param name="profileName">The profile (template), or null when there is none (CSR generation without one).</param>
    /// <param name="profile">The profile's definition, or null.</param>
    /// <param name="validityDays">The validity asked for (or the profile default), or null when none applies.</param>
    /// <param name="patternName">The enrollment pattern, or null.</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> for an unknown pattern;
    /// <see cref="PkiErrorCode.PolicyViolation"/> for a key, validity or profile the policy forbids.</exception>
    public void Enforce(string keyFamily, int keySize, string? profileName, CertificateProfile? profile, int? validityDays, string? patternName)
    {
        var settings = options.Value;
        EnrollmentPolicy? pattern = null;
        if (patternName is not null && !settings.EnrollmentPatterns.TryGetValue(patternName, out pattern))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"There is no enrollment pattern named '{patternName}'.");
        }

        var algorithm = KeyAlgorithmFacts.From(keyFamily, keySize);
        string key = algorithm is { } a ? a.ToString() : $"{keyFamily}-{keySize}";
        Check(settings.EnrollmentPolicy, "the system-wide enrollment policy", algorithm, key, profileName, validityDays);
        if (pattern is not null)
        {
            Check(pattern, $"enrollment pattern '{patternName}'", algorithm, key, profileName, validityDays);
        }

        if (profile is not null && (pattern is null || pattern.AllowedKeyAlgorithms.Count == 0))
        {
            CheckKey(profile.AllowedKeyAlgorithms, $"profile '{profileName}'", algorithm, key);
        }
    }

    /// <summary>
    /// The validity of a request that gives none: the profile's default, but no more than the system-wide policy's and the
    /// pattern's maximum — a default the policy would refuse would make every such request fail.
    /// </summary>
    public int DefaultValidityDays(CertificateProfile profile, string? patternName)
    {
        var settings = options.Value;
        int days = profile.DefaultValidityDays;
        if (settings.EnrollmentPolicy.MaximumValidityDays is int maximum)
        {
            days = Math.Min(days, maximum);
        }

        if (patternName is not null && settings.EnrollmentPatterns.TryGetValue(patternName, out var pattern) && pattern.MaximumValidityDays is int patternMaximum)
        {
            days = Math.Min(days, patternMaximum); // an unknown pattern is refused by Enforce
        }

        return days;
    }

    private static void Check(EnrollmentPolicy policy, string source, KeyAlgorithm? algorithm, string key, string? profileName, int? validityDays)
    {
        CheckKey(policy.AllowedKeyAlgorithms, source, algorithm, key);
        if (profileName is not null && policy.AllowedProfiles.Count > 0 && !policy.AllowedProfiles.Contains(profileName))
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"The profile '{profileName}' is not allowed by {source}.");
        }

        if (validityDays is int days && policy.MaximumValidityDays is int maximum && days > maximum)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"A validity of {days} days exceeds the {maximum} days allowed by {source}.");
        }
    }

    private static void CheckKey(ISet<KeyAlgorithm> allowed, string source, KeyAlgorithm? algorithm, string key)
    {
        if (allowed.Count > 0 && (algorithm is not { } a || !allowed.Contains(a)))
        {
            throw new PkiException(PkiErrorCode.PolicyViolation,
                $"A {key} key is not allowed by {source}; allowed: {string.Join(", ", allowed.Order())}.");
        }
    }
}
