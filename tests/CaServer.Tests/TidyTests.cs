using CaServer.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pki.CaServer.Security;
using Pki.Core;

namespace CaServer.Tests;

/// <summary>The library's background tidy, wired from the section Pki:Tidy.</summary>
public sealed class TidyTests
{
    private static async Task<List<AuditEvent>> TidyEventsAsync(CaServerFactory server)
    {
        using (HttpCallerAccessor.RunAs(PkiCaller.System))
        {
            return await server.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Limit = 1000 }).Where(e => e.Action == "storage.tidy").ToListAsync();
        }
    }

    [Fact]
    public async Task The_background_tidy_is_off_by_default_with_the_documented_retention()
    {
        await using var server = new CaServerFactory();
        await server.StartAsync();

        var tidy = server.Services.GetRequiredService<IOptions<PkiOptions>>().Value.Tidy;
        Assert.False(tidy.Enabled);
        Assert.Equal((TimeSpan.FromDays(90), TimeSpan.FromDays(30), TimeSpan.FromHours(1)), (tidy.CertificateRetention, tidy.TokenRetention, tidy.Interval));
        Assert.Empty(await TidyEventsAsync(server));
    }

    [Fact]
    public async Task Switched_on_by_configuration_it_tidies_at_start_up_as_the_system_caller()
    {
        await using var server = new CaServerFactory(new Dictionary<string, string> { ["Pki:Tidy:Enabled"] = "true", ["Pki:Tidy:CertificateRetention"] = "365.00:00:00" });
        await server.StartAsync();
        Assert.Equal(TimeSpan.FromDays(365), server.Services.GetRequiredService<IOptions<PkiOptions>>().Value.Tidy.CertificateRetention);

        // The first pass runs right after start-up; wait for its audit event (a guard against a hang, not a timing check).
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = await TidyEventsAsync(server);
        while (events.Count == 0)
        {
            await Task.Delay(20, hang.Token);
            events = await TidyEventsAsync(server);
        }

        Assert.Equal(("system", AuditOutcome.Success), (events[0].Actor, events[0].Outcome));
    }
}
