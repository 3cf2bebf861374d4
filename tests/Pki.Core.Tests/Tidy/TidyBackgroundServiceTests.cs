using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Pki.Core.Authorization;
using Pki.Core.DependencyInjection;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Tidy;

public sealed class TidyBackgroundServiceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    // A safety net against a hang, never a timing assertion: the fake clock decides when a pass is due.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private static readonly PkiCaller Anonymous = new() { Subject = "anonymous" };

    [Fact]
    public async Task It_runs_at_start_up_and_then_every_interval_as_the_system_caller()
    {
        using var fixture = new Fixture();
        var service = fixture.HostedService;

        await service.StartAsync(CancellationToken.None);
        Assert.True((await fixture.Tidy.Calls.Reader.ReadAsync().AsTask().WaitAsync(Hang)).IsSystem);
        await fixture.Clock.WaitingAsync().WaitAsync(Hang);
        Assert.False(fixture.Tidy.Calls.Reader.TryRead(out _)); // nothing before the interval has passed

        fixture.Clock.Inner.Advance(Interval);
        Assert.True((await fixture.Tidy.Calls.Reader.ReadAsync().AsTask().WaitAsync(Hang)).IsSystem);

        // Outside the background pass, the host's caller is seen again.
        Assert.Same(Anonymous, fixture.Host.Get<PkiAuthorizer>().Caller);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_pass_is_logged_and_the_next_one_runs_on_time()
    {
        using var fixture = new Fixture();
        fixture.Tidy.FailNext = true;

        await fixture.HostedService.StartAsync(CancellationToken.None);
        await fixture.Tidy.Calls.Reader.ReadAsync().AsTask().WaitAsync(Hang);
        await fixture.Clock.WaitingAsync().WaitAsync(Hang);
        fixture.Clock.Inner.Advance(Interval);

        await fixture.Tidy.Calls.Reader.ReadAsync().AsTask().WaitAsync(Hang);
        Assert.Equal(2, fixture.Tidy.Count);
        await fixture.HostedService.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Shutdown_stops_the_wait_and_no_pass_runs_after_it()
    {
        using var fixture = new Fixture();
        var service = (BackgroundService)fixture.HostedService;
        await service.StartAsync(CancellationToken.None);
        await fixture.Tidy.Calls.Reader.ReadAsync().AsTask().WaitAsync(Hang);
        await fixture.Clock.WaitingAsync().WaitAsync(Hang);

        await service.StopAsync(CancellationToken.None).WaitAsync(Hang);
        fixture.Clock.Inner.Advance(Interval * 3);

        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(1, fixture.Tidy.Count);
    }

    [Fact]
    public async Task A_disabled_service_never_runs()
    {
        using var fixture = new Fixture(enabled: false);
        var service = (BackgroundService)fixture.HostedService;

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(Hang);

        Assert.Equal(0, fixture.Tidy.Count);
    }

    [Fact]
    public void AddTidyService_adds_one_hosted_service_however_often_it_is_called()
    {
        var services = new ServiceCollection();
        services.AddPki().AddTidyService().AddTidyService(o => o.Interval = Interval);

        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>());
        Assert.Equal(Interval, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PkiOptions>>().Value.Tidy.Interval);
    }

    /// <summary>A host with the background service over a recording tidy service, an anonymous host caller and a clock whose waits the test sees.</summary>
    private sealed class Fixture : IDisposable
    {
        public Fixture(bool enabled = true)
        {
            Host = new PkiTestHost(time: Clock, services: s =>
            {
                s.AddSingleton<ICallerAccessor>(new FixedCaller(Anonymous));
                s.AddSingleton<ITidyService>(sp => Tidy.Attach(sp.GetRequiredService<PkiAuthorizer>()));
                s.AddPki().AddTidyService(o =>
                {
                    o.Interval = Interval;
                    o.Enabled = enabled;
                });
            });
            HostedService = Host.Services.GetServices<IHostedService>().Single();
        }

        public WaitObservingClock Clock { get; } = new(PkiTestHost.FakeClock());

        public RecordingTidy Tidy { get; } = new();

        public PkiTestHost Host { get; }

        public IHostedService HostedService { get; }

        public void Dispose() => Host.Dispose();
    }

    private sealed class FixedCaller(PkiCaller caller) : ICallerAccessor
    {
        public PkiCaller Caller => caller;
    }

    /// <summary>Records the caller the authorizer sees during each pass.</summary>
    private sealed class RecordingTidy : ITidyService
    {
        private PkiAuthorizer? _authorizer;
        private int _count;

        public Channel<PkiCaller> Calls { get; } = Channel.CreateUnbounded<PkiCaller>();

        public bool FailNext { get; set; }

        public int Count => Volatile.Read(ref _count);

        public RecordingTidy Attach(PkiAuthorizer authorizer)
        {
            _authorizer = authorizer;
            return this;
        }

        public ValueTask<TidyReport> TidyAsync(TidyRequest? request = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            Calls.Writer.TryWrite(_authorizer!.Caller);
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("The store is down.");
            }

            var now = DateTimeOffset.UnixEpoch;
            return ValueTask.FromResult(new TidyReport
            {
                CertificatesRemoved = 0, PrivateKeysRemoved = 0, TokensRemoved = 0, CrlsRemoved = 0, Batches = 3, StoppedEarly = false, StartedAt = now, FinishedAt = now,
            });
        }
    }

    /// <summary>A fake clock that reports each timer created on it, so a test advances time only once the service waits.</summary>
    private sealed class WaitObservingClock(FakeTimeProvider inner) : TimeProvider
    {
        private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

        public FakeTimeProvider Inner { get; } = inner;

        public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = Inner.CreateTimer(callback, state, dueTime, period);
            _waits.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task WaitingAsync()
        {
            var due = await _waits.Reader.ReadAsync();
            Assert.Equal(Interval, due);
        }
    }
}
