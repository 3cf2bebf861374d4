using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Storage;

namespace Pki.Core.Tidy;

/// <summary>
/// The engine behind <see cref="ITidyService"/>: measures every retention from one clock reading, then drains each kind
/// in bounded batches (tokens first, so that certificates they referenced become removable; then certificates with their
/// escrowed keys; then CRLs). The rules of what is eligible are the stores' purge contracts; this class picks the
/// instants and the bounds.
/// </summary>
internal sealed partial class TidyService(
    ICertificateStore certificates,
    IRequestTokenStore tokens,
    IRevocationStore revocation,
    IPrivateKeyStore keys,
    IAuthorityStore authorities,
    TimeProvider time,
    IOptions<PkiOptions> options,
    ILogger<TidyService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<TidyService>.Instance;

    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when <see cref="TidyRequest.MaxBatchesPerKind"/> is less than 1.</exception>
    public async ValueTask<TidyReport> TidyAsync(TidyRequest? request, CancellationToken cancellationToken)
    {
        request ??= new TidyRequest();
        var settings = options.Value;
        var tidy = settings.Tidy;
        int maxBatches = request.MaxBatchesPerKind ?? tidy.MaxBatchesPerRun;
        if (maxBatches < 1)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{nameof(TidyRequest.MaxBatchesPerKind)} must be at least 1, not {maxBatches}.");
        }

        var startedAt = time.GetUtcNow();
        var run = new BatchRun(tidy.BatchSize, maxBatches);

        int tokensRemoved = 0, certificatesRemoved = 0, keysRemoved = 0, crlsRemoved = 0, unreferencedKeysRemoved = 0;
        if (request.Targets.HasFlag(TidyTargets.Tokens))
        {
            var before = startedAt - tidy.TokenRetention;
            run.BeginKind();
            tokensRemoved = await run.DrainAsync(limit => tokens.PurgeAsync(before, limit, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        if (request.Targets.HasFlag(TidyTargets.Certificates))
        {
            // CA by CA: a certificate that was revoked or held leaves only once the CA's latest full CRL has published its
            // last change (a revoked one: after its expiry, RFC 5280 section 3.3). While CRLs keep expired entries, one
            // that is not active is still published: keep it.
            run.BeginKind();
            await foreach (var authority in authorities.ListAllAsync(cancellationToken).ConfigureAwait(false))
            {
                string authorityId = authority.Id;
                var crl = await revocation.GetLatestCrlAsync(authorityId, delta: false, cancellationToken).ConfigureAwait(false);
                var purge = new CertificatePurge(startedAt - tidy.CertificateRetention, tidy.BatchSize)
                {
                    KeepNotActive = settings.Revocation.KeepExpiredOnCrl,
                    AuthorityId = authorityId,
                    PublishedBy = CrlCoverage.Of(crl),
                };
                certificatesRemoved += await run.DrainAsync(
                    async limit =>
                    {
                        var result = await certificates.PurgeExpiredAsync(purge with { Limit = limit }, cancellationToken).ConfigureAwait(false);
                        keysRemoved += result.PrivateKeys;
                        return result.Certificates;
                    },
                    cancellationToken).ConfigureAwait(false);
                if (run.StoppedEarly)
                {
                    break;
                }
            }
        }

        if (request.Targets.HasFlag(TidyTargets.Crls))
        {
            var before = startedAt - tidy.CrlRetention;
            run.BeginKind();
            crlsRemoved = await run.DrainAsync(limit => revocation.PurgeCrlsAsync(before, limit, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        if (request.Targets.HasFlag(TidyTargets.UnreferencedKeys))
        {
            var purge = new PrivateKeyPurge(startedAt - tidy.UnreferencedKeyGracePeriod, tidy.BatchSize);
            run.BeginKind();
            unreferencedKeysRemoved = await run.DrainAsync(
                limit => keys.PurgeUnreferencedAsync(purge with { Limit = limit }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        var report = new TidyReport
        {
            UnreferencedKeysRemoved = unreferencedKeysRemoved,
            CertificatesRemoved = certificatesRemoved,
            PrivateKeysRemoved = keysRemoved,
            TokensRemoved = tokensRemoved,
            CrlsRemoved = crlsRemoved,
            Batches = run.Batches,
            StoppedEarly = run.StoppedEarly,
            StartedAt = startedAt,
            FinishedAt = time.GetUtcNow(),
        };
        LogTidied(_logger, report.CertificatesRemoved, report.PrivateKeysRemoved, report.TokensRemoved, report.CrlsRemoved, report.UnreferencedKeysRemoved, report.Batches);
        if (report.StoppedEarly)
        {
            LogStoppedEarly(_logger, maxBatches);
        }

        return report;
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Tidy removed {Certificates} certificates, {PrivateKeys} private keys, {Tokens} request tokens, {Crls} CRLs and {UnreferencedKeys} unreferenced signing keys in {Batches} batches")]
    private static partial void LogTidied(ILogger logger, int certificates, int privateKeys, int tokens, int crls, int unreferencedKeys, int batches);

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Tidy stopped after {MaxBatches} batches of one kind with more left; the next pass continues")]
    private static partial void LogStoppedEarly(ILogger logger, int maxBatches);

    /// <summary>Counts the batches of one pass and whether a kind hit the bound with its last batch full.</summary>
    private sealed class BatchRun(int batchSize, int maxBatches)
    {
        public int Batches { get; private set; }

        public bool StoppedEarly { get; private set; }

        private int _kindBatches;

        /// <summary>Starts the bound of one kind: its batches that removed something, over however many <see cref="DrainAsync"/>
        /// calls (one per CA for certificates), count together.</summary>
        public void BeginKind() => _kindBatches = 0;

        /// <summary>
        /// Runs <paramref name="batch"/> until it removes fewer than a full batch or the bound is hit. A cancellation before
        /// the pass's first batch throws; once a batch has been committed it ends the pass instead (<see cref="StoppedEarly"/>),
        /// so that what was removed is reported and audited rather than lost behind an <see cref="OperationCanceledException"/>.
        /// </summary>
        public async ValueTask<int> DrainAsync(Func<int, ValueTask<int>> batch, CancellationToken cancellationToken)
        {
            int total = 0;
            while (_kindBatches < maxBatches)
            {
                if (StopOnCancellation(cancellationToken))
                {
                    return total;
                }

                int removed;
                try
                {
                    removed = await batch(batchSize).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && Batches > 0)
                {
                    StoppedEarly = true; // this batch was rolled back; the earlier ones stay removed
                    return total;
                }

                Batches++;
                if (removed > 0)
                {
                    _kindBatches++; // the bound is on work done: a CA with nothing to remove costs one probe
                }

                total += removed;
                if (removed < batchSize)
                {
                    return total;
                }
            }

            StoppedEarly = true;
            return total;
        }

        private bool StopOnCancellation(CancellationToken cancellationToken)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (Batches == 0)
            {
                cancellationToken.ThrowIfCancellationRequested(); // nothing removed yet: the pass fails as a whole
            }

            StoppedEarly = true;
            return true;
        }
    }
}
