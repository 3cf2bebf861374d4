using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Authorization;

namespace Pki.Core.Tidy;

/// <summary>
/// Runs <see cref="ITidyService"/> at start-up and then every <see cref="TidyOptions.Interval"/> (waiting on the
/// registered <see cref="TimeProvider"/>), as the system caller. A failed pass is logged and the next one runs on time;
/// shutdown cancels the wait or the pass between two batches.
/// </summary>
internal sealed partial class TidyBackgroundService(
    ITidyService tidy,
    TimeProvider time,
    IOptions<PkiOptions> options,
    ILogger<TidyBackgroundService>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? NullLogger<TidyBackgroundService>.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Tidy;
        if (!settings.Enabled)
        {
            LogDisabled(_logger);
            return;
        }

        await Task.Yield(); // never hold up the host's start
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(settings.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            using (ScopedCallerAccessor.RunAsSystem())
            {
                await tidy.TidyAsync(null, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the batches already committed stay removed.
        }
#pragma warning disable CA1031 // A background loop must survive any failure of one pass (a store outage); it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(_logger, ex);
        }
    }

    [LoggerMessage(EventId = 72, Level = LogLevel.Error, Message = "A tidy pass failed; the next one runs after the interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 73, Level = LogLevel.Information, Message = "The background tidy service is disabled (Tidy.Enabled = false)")]
    private static partial void LogDisabled(ILogger logger);
}
