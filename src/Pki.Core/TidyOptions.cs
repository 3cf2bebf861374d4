namespace Pki.Core;

/// <summary>
/// What <see cref="ITidyService"/> removes and in what batches, and how often the background tidy service (added with
/// <c>AddTidyService</c>) runs. Validated at start-up.
/// </summary>
public sealed class TidyOptions
{
    /// <summary>
    /// How long a certificate is kept after its notAfter, at least zero. Default 90 days. Certificates that are not active
    /// stay longer while <see cref="RevocationOptions.KeepExpiredOnCrl"/> is true (CRLs still list them).
    /// </summary>
    public TimeSpan CertificateRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a request token is kept after it was redeemed, deleted or expired unused, at least zero. Default 30 days.</summary>
    public TimeSpan TokenRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a superseded CRL is kept after its nextUpdate, at least zero. Default 90 days. The latest full and delta CRL
    /// of a CA are always kept.
    /// </summary>
    public TimeSpan CrlRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a CA or OCSP responder signing key that nothing references is kept after it was stored, 1 hour to 36600
    /// days. Default 1 day. Such a key is left when creating or importing a CA, or issuing a delegated OCSP responder,
    /// failed after the key was stored (or when a responder was replaced); the period keeps the key of an operation still
    /// writing the record that will reference it.
    /// </summary>
    public TimeSpan UnreferencedKeyGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most records one batch (one store transaction) removes, 1 to 10000. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The most batches of each kind that remove something in one tidy pass, 1 to 100000. Default 100. (Certificates
    /// are purged CA by CA; a CA with nothing to remove costs one empty batch, which does not count.)</summary>
    public int MaxBatchesPerRun { get; set; } = 100;

    /// <summary>Whether the background tidy service runs (it exists only after <c>AddTidyService</c>). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the background tidy service waits between passes, 1 minute to 7 days. Default 1 hour; the first pass runs at start-up.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
