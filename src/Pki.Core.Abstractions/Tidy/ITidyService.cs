namespace Pki.Core;

/// <summary>
/// Removes what a CA no longer needs to remember: certificates expired longer than a retention period (with the
/// escrowed private keys only they referenced), request tokens used, deleted or expired longer than a retention period,
/// and superseded CRLs. Runs in bounded batches and reports what it removed.
/// </summary>
/// <remarks>
/// Never removes: a CA certificate; a certificate a kept request token still references; while
/// <c>RevocationOptions.KeepExpiredOnCrl</c> is true, a certificate that is not active (revoked, on hold or pending,
/// because CRLs still list it); an unused token before its expiry; the latest full or delta CRL of a CA. Retention periods
/// and batch bounds come from <c>PkiOptions.Tidy</c>.
/// </remarks>
public interface ITidyService
{
    /// <summary>Runs one tidy pass: tokens first (so that certificates they referenced become removable), then certificates, then CRLs.</summary>
    /// <param name="request">What to tidy and how many batches at most, or null for everything with the configured bounds.</param>
    /// <param name="cancellationToken">Checked between batches; a batch that started finishes or rolls back whole. Once a batch
    /// has run, a cancellation ends the pass with the report of what it removed (<see cref="TidyReport.StoppedEarly"/>).</param>
    /// <returns>What was removed.</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.Forbidden"/> unless the caller is a superuser (or the system caller);
    /// <see cref="PkiErrorCode.InvalidRequest"/> when <see cref="TidyRequest.MaxBatchesPerKind"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the first batch; nothing was removed.</exception>
    ValueTask<TidyReport> TidyAsync(TidyRequest? request = null, CancellationToken cancellationToken = default);
}
