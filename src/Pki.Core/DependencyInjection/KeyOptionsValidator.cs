namespace Pki.Core.DependencyInjection;

/// <summary>Validates the key-encryption keys, the enrollment policy and the enrollment patterns of <see cref="PkiOptions"/>.</summary>
internal static class KeyOptionsValidator
{
    public static void Validate(PkiOptions options, Action<bool, string> check)
    {
        check(IsKeyEncryptionKeyId(options.KeyEncryptionKeyId),
            $"KeyEncryptionKeyId must be 1 to 64 printable ASCII characters, not '{options.KeyEncryptionKeyId}'.");
        foreach (var (id, key) in options.PreviousKeyEncryptionKeys)
        {
            check(IsKeyEncryptionKeyId(id), $"PreviousKeyEncryptionKeys: the id '{id}' must be 1 to 64 printable ASCII characters.");
            check(key is { Length: 32 }, $"PreviousKeyEncryptionKeys['{id}'] must be 32 bytes (AES-256), not {key?.Length}.");
            check(!string.Equals(id, options.KeyEncryptionKeyId, StringComparison.Ordinal),
                $"PreviousKeyEncryptionKeys must not contain the current KeyEncryptionKeyId '{id}'.");
        }

        ValidatePolicy("EnrollmentPolicy", options.EnrollmentPolicy, options, check);
        foreach (var (name, pattern) in options.EnrollmentPatterns)
        {
            check(!string.IsNullOrWhiteSpace(name), "An enrollment pattern name is empty.");
            if (pattern is null)
            {
                check(false, $"Enrollment pattern '{name}' is null.");
                continue;
            }

            ValidatePolicy($"Enrollment pattern '{name}'", pattern, options, check);
        }

        foreach (var (name, profile) in options.Profiles)
        {
            foreach (var algorithm in profile?.AllowedKeyAlgorithms ?? Enumerable.Empty<KeyAlgorithm>())
            {
                check(Enum.IsDefined(algorithm), $"Profile '{name}': AllowedKeyAlgorithms holds undefined value {algorithm}.");
            }
        }
    }

    private static void ValidatePolicy(string label, EnrollmentPolicy policy, PkiOptions options, Action<bool, string> check)
    {
        check(policy.MaximumValidityDays is null or (>= 1 and <= 36_600), $"{label}: MaximumValidityDays must be between 1 and 36600, not {policy.MaximumValidityDays}.");
        foreach (var algorithm in policy.AllowedKeyAlgorithms)
        {
            check(Enum.IsDefined(algorithm), $"{label}: AllowedKeyAlgorithms holds undefined value {algorithm}.");
        }

        foreach (string profile in policy.AllowedProfiles)
        {
            check(profile is not null && options.Profiles.ContainsKey(profile), $"{label}: AllowedProfiles names '{profile}', which is not a profile.");
        }
    }

    private static bool IsKeyEncryptionKeyId(string? id) => id is { Length: >= 1 and <= 64 } && id.All(c => c is > ' ' and <= '~');
}
