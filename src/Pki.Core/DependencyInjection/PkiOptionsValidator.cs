using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Pki.Core.DependencyInjection;

/// <summary>Validates <see cref="PkiOptions"/> at start-up; every message names the offending value.</summary>
/// <param name="durableStorage">The durable stores registered (<c>UseSqlite</c>, <c>UsePostgreSql</c>): with any, a fixed
/// <see cref="PkiOptions.KeyEncryptionKey"/> is required.</param>
internal sealed class PkiOptionsValidator(IEnumerable<IDurablePkiStorage> durableStorage) : IValidateOptions<PkiOptions>
{
    /// <summary>The nine keyUsage bits RFC 5280 section 4.2.1.3 defines (a configuration binder accepts any number).</summary>
    private const X509KeyUsageFlags DefinedKeyUsages =
        X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyEncipherment
        | X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.KeyCertSign
        | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.EncipherOnly | X509KeyUsageFlags.DecipherOnly;

    private readonly string[] _durableStorage = [.. durableStorage.Select(s => s.Name).Distinct(StringComparer.Ordinal)];

    public ValidateOptionsResult Validate(string? name, PkiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add(message);
            }
        }

        Check(options.Csr.MaximumSize is >= 1024 and <= 1024 * 1024, $"Csr.MaximumSize must be between 1 KiB and 1 MiB, not {options.Csr.MaximumSize}.");
        Check(options.Csr.MaximumSubjectAlternativeNames is >= 1 and <= 10_000, $"Csr.MaximumSubjectAlternativeNames must be between 1 and 10000, not {options.Csr.MaximumSubjectAlternativeNames}.");
        Check(options.Csr.MaximumSubjectAttributes is >= 1 and <= 64, $"Csr.MaximumSubjectAttributes must be between 1 and 64, not {options.Csr.MaximumSubjectAttributes}.");
        var keys = options.KeyPolicy;
        Check(keys.MinimumRsaKeySize >= 2048, $"KeyPolicy.MinimumRsaKeySize must be at least 2048, not {keys.MinimumRsaKeySize}.");
        Check(keys.MaximumRsaKeySize >= keys.MinimumRsaKeySize && keys.MaximumRsaKeySize <= 16384,
            $"KeyPolicy.MaximumRsaKeySize must be between MinimumRsaKeySize ({keys.MinimumRsaKeySize}) and 16384, not {keys.MaximumRsaKeySize}.");
        Check(options.DefaultRootValidityDays is >= 1 and <= 36_600, $"DefaultRootValidityDays must be between 1 and 36600, not {options.DefaultRootValidityDays}.");
        Check(options.DefaultIntermediateValidityDays is >= 1 and <= 36_600, $"DefaultIntermediateValidityDays must be between 1 and 36600, not {options.DefaultIntermediateValidityDays}.");
        Check(options.ValidityNesting != ValidityNesting.Reject || options.DefaultIntermediateValidityDays <= options.DefaultRootValidityDays,
            $"With ValidityNesting.Reject, DefaultIntermediateValidityDays ({options.DefaultIntermediateValidityDays}) must not exceed DefaultRootValidityDays ({options.DefaultRootValidityDays}): every intermediate created with the defaults would outlive its root and be refused.");
        Check(Enum.IsDefined(options.ValidityNesting), $"ValidityNesting {options.ValidityNesting} is not defined.");
        Check(options.KeyEncryptionKey is null || options.KeyEncryptionKey.Length == 32,
            $"KeyEncryptionKey must be 32 bytes (AES-256), not {options.KeyEncryptionKey?.Length}.");
        Check(options.KeyEncryptionKey is not null || _durableStorage.Length == 0,
            $"KeyEncryptionKey must be set when the stores are durable ({string.Join(", ", _durableStorage)}): without it every "
            + "process encrypts private keys under a random key of its own, and every stored CA key is lost at the next restart. "
            + "Supply a fixed 32-byte key from a secret store or the environment (never from source control).");
        var tokens = options.Tokens;
        Check(tokens.DefaultLifetime >= TimeSpan.FromMinutes(1) && tokens.DefaultLifetime <= tokens.MaximumLifetime,
            $"Tokens.DefaultLifetime must be between 1 minute and Tokens.MaximumLifetime ({tokens.MaximumLifetime}), not {tokens.DefaultLifetime}.");
        Check(tokens.MaximumLifetime <= TimeSpan.FromDays(366), $"Tokens.MaximumLifetime must be at most 366 days, not {tokens.MaximumLifetime}.");
        ValidateRevocation(options.Revocation, Check);
        ValidateTidy(options.Tidy, Check);
        foreach (var (profileName, profile) in options.Profiles)
        {
            ValidateProfile(profileName, profile, Check);
        }

        KeyOptionsValidator.Validate(options, Check);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateProfile(string name, CertificateProfile? profile, Action<bool, string> check)
    {
        check(!string.IsNullOrWhiteSpace(name), "A profile name is empty.");
        if (profile is null)
        {
            check(false, $"Profile '{name}' is null.");
            return;
        }

        check(Enum.IsDefined(profile.Type), $"Profile '{name}' has undefined type {profile.Type}.");
        check(profile.KeyUsage != 0, $"Profile '{name}' has no key usage.");
        check((profile.KeyUsage & ~DefinedKeyUsages) == 0,
            $"Profile '{name}' has key usage bits that RFC 5280 section 4.2.1.3 does not define: {(int)(profile.KeyUsage & ~DefinedKeyUsages):X}.");
        check(profile.Type == CertificateType.CertificateAuthority || !profile.KeyUsage.HasFlag(X509KeyUsageFlags.KeyCertSign),
            $"Profile '{name}': keyCertSign needs type CertificateAuthority (RFC 5280 section 4.2.1.9).");
        check(profile.MaximumValidityDays is >= 1 and <= 36_600, $"Profile '{name}': MaximumValidityDays must be between 1 and 36600, not {profile.MaximumValidityDays}.");
        check(profile.DefaultValidityDays >= 1 && profile.DefaultValidityDays <= profile.MaximumValidityDays,
            $"Profile '{name}': DefaultValidityDays ({profile.DefaultValidityDays}) must be between 1 and MaximumValidityDays ({profile.MaximumValidityDays}).");
        check(profile.Backdate >= TimeSpan.Zero && profile.Backdate <= TimeSpan.FromDays(1), $"Profile '{name}': Backdate must be between 0 and 1 day, not {profile.Backdate}.");
        check(profile.PathLengthConstraint >= 0, $"Profile '{name}': PathLengthConstraint cannot be negative ({profile.PathLengthConstraint}).");
        foreach (string oid in profile.ExtendedKeyUsages)
        {
            check(IsDottedOid(oid), $"Profile '{name}': '{oid}' is not a dotted OID that DER can encode.");
        }
    }

    private static void ValidateRevocation(RevocationOptions revocation, Action<bool, string> check)
    {
        check(revocation.CrlValidity >= TimeSpan.FromMinutes(1) && revocation.CrlValidity <= TimeSpan.FromDays(366),
            $"Revocation.CrlValidity must be between 1 minute and 366 days, not {revocation.CrlValidity}.");
        check(revocation.DeltaCrlValidity >= TimeSpan.FromMinutes(1) && revocation.DeltaCrlValidity <= revocation.CrlValidity,
            $"Revocation.DeltaCrlValidity must be between 1 minute and CrlValidity ({revocation.CrlValidity}), not {revocation.DeltaCrlValidity}.");
        check(revocation.OcspResponseValidity >= TimeSpan.FromMinutes(1) && revocation.OcspResponseValidity <= TimeSpan.FromDays(7),
            $"Revocation.OcspResponseValidity must be between 1 minute and 7 days, not {revocation.OcspResponseValidity}.");
        check(revocation.OcspResponseCacheDuration >= TimeSpan.Zero && revocation.OcspResponseCacheDuration <= revocation.OcspResponseValidity,
            $"Revocation.OcspResponseCacheDuration must be between 0 and OcspResponseValidity ({revocation.OcspResponseValidity}), not {revocation.OcspResponseCacheDuration}.");
    }

    private static void ValidateTidy(TidyOptions tidy, Action<bool, string> check)
    {
        // The upper bounds keep "now − retention" representable.
        var longest = TimeSpan.FromDays(36_600);
        check(tidy.CertificateRetention >= TimeSpan.Zero && tidy.CertificateRetention <= longest,
            $"Tidy.CertificateRetention must be between 0 and 36600 days, not {tidy.CertificateRetention}.");
        check(tidy.TokenRetention >= TimeSpan.Zero && tidy.TokenRetention <= longest, $"Tidy.TokenRetention must be between 0 and 36600 days, not {tidy.TokenRetention}.");
        check(tidy.CrlRetention >= TimeSpan.Zero && tidy.CrlRetention <= longest, $"Tidy.CrlRetention must be between 0 and 36600 days, not {tidy.CrlRetention}.");
        check(tidy.UnreferencedKeyGracePeriod >= TimeSpan.FromHours(1) && tidy.UnreferencedKeyGracePeriod <= longest,
            $"Tidy.UnreferencedKeyGracePeriod must be between 1 hour and 36600 days, not {tidy.UnreferencedKeyGracePeriod}.");
        check(tidy.BatchSize is >= 1 and <= 10_000, $"Tidy.BatchSize must be between 1 and 10000, not {tidy.BatchSize}.");
        check(tidy.MaxBatchesPerRun is >= 1 and <= 100_000, $"Tidy.MaxBatchesPerRun must be between 1 and 100000, not {tidy.MaxBatchesPerRun}.");
        check(tidy.Interval >= TimeSpan.FromMinutes(1) && tidy.Interval <= TimeSpan.FromDays(7), $"Tidy.Interval must be between 1 minute and 7 days, not {tidy.Interval}.");
    }

    private static bool IsDottedOid(string? oid) => DistinguishedNameOids.IsObjectIdentifier(oid);
}
