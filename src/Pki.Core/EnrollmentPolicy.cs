namespace Pki.Core;

/// <summary>
/// Restrictions on what may be enrolled: key algorithms (types, RSA lengths, curves), validity and profiles. Used for the
/// system-wide policy (<see cref="PkiOptions.EnrollmentPolicy"/>) and for named enrollment patterns
/// (<see cref="PkiOptions.EnrollmentPatterns"/>). An empty set or a null value restricts nothing.
/// </summary>
public sealed class EnrollmentPolicy
{
    /// <summary>The key algorithms allowed; empty allows every algorithm. A CSR key that maps to no <see cref="KeyAlgorithm"/>
    /// (say RSA-2560) is refused when the set is not empty.</summary>
    public ISet<KeyAlgorithm> AllowedKeyAlgorithms { get; } = new HashSet<KeyAlgorithm>();

    /// <summary>The longest validity allowed, in days, or null; applies on top of the profile's own cap.</summary>
    public int? MaximumValidityDays { get; set; }

    /// <summary>The profiles (templates) allowed; empty allows every profile.</summary>
    public ISet<string> AllowedProfiles { get; } = new HashSet<string>(StringComparer.Ordinal);
}
