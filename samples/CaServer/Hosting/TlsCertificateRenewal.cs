namespace Pki.CaServer.Hosting;

/// <summary>Renews the HTTPS listener's certificate when it is due (see <see cref="TlsListenerCertificate"/>).</summary>
public sealed partial class TlsCertificateRenewal(
    Pki.Core.ICertificateAuthority authorities, CaServerState state, TimeProvider time, ILogger<TlsCertificateRenewal> logger) : BackgroundService
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    /// <summary>Issues a new listener certificate now and makes new connections present it.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var renewed = await TlsListenerCertificate.IssueAsync(authorities, state.IssuingId, cancellationToken);
        state.SetTls(renewed);
        LogRenewed(logger, renewed);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.Ready.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = TlsListenerCertificate.RenewalDue(state.TlsCertificate!) - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait < LongestWait ? wait : LongestWait, time, stoppingToken); // then look again
                continue;
            }

            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
                await Task.Delay(RetryAfterFailure, time, stoppingToken);
            }
        }
    }

    private static void LogRenewed(ILogger logger, System.Security.Cryptography.X509Certificates.X509Certificate2 renewed)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var notAfter = renewed.NotAfter.ToUniversalTime();
            LogRenewed(logger, notAfter);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewed the HTTPS listener's certificate; the new one expires {NotAfter:u}")]
    private static partial void LogRenewed(ILogger logger, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewing the HTTPS listener's certificate failed; trying again in a minute")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
