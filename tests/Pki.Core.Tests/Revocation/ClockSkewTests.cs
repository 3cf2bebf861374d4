using Microsoft.Extensions.Time.Testing;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// Status changes stamped by a clock behind the one that made the last CRL — another host whose clock runs late, or
/// this host's clock stepped back — still reach the next CRL and delta CRL: CRLs record the status-change sequence
/// number they reflect, not a clock reading.
/// </summary>
public sealed class ClockSkewTests
{
    /// <summary>A clock that reads <see cref="Inner"/> moved by <see cref="Skew"/>.</summary>
    private sealed class SkewedClock(FakeTimeProvider inner) : TimeProvider
    {
        public FakeTimeProvider Inner { get; } = inner;

        public TimeSpan Skew { get; set; }

        public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow() + Skew;
    }

    [Fact]
    public async Task A_revocation_stamped_an_hour_before_the_last_crl_makes_it_stale_and_is_on_the_next_delta()
    {
        var clock = new SkewedClock(PkiTestHost.FakeClock());
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var leaf = await pki.IssueClientAsync("late@example.com");
        var full = await pki.Revocation.GetCrlAsync(ca);
        var delta = await pki.Revocation.GetDeltaCrlAsync(ca);
        clock.Inner.Advance(TimeSpan.FromMinutes(1));

        clock.Skew = TimeSpan.FromHours(-1); // the revoking host's clock is an hour behind
        await pki.RevokeAsync(leaf);
        clock.Skew = TimeSpan.Zero;
        clock.Inner.Advance(TimeSpan.FromMinutes(1));

        var fullAfter = await pki.Revocation.GetCrlAsync(ca);
        var deltaAfter = await pki.Revocation.GetDeltaCrlAsync(ca);
        Assert.True(fullAfter.Number > full.Number, "the full CRL made before the revocation was served as still fresh");
        Assert.Contains(leaf.Record.SerialNumberHex, CrlContents.Read(fullAfter.Der).Entries.Keys);
        Assert.True(deltaAfter.Number > delta.Number);
    }

    [Fact]
    public async Task A_delta_lists_a_revocation_stamped_before_its_base_but_made_after_it()
    {
        var clock = new SkewedClock(PkiTestHost.FakeClock());
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var ca = CaReference.ById(pki.Issuing.Id);
        var leaf = await pki.IssueClientAsync("late@example.com");
        var baseCrl = await pki.Revocation.CreateCrlAsync(ca);
        clock.Inner.Advance(TimeSpan.FromSeconds(30));

        clock.Skew = TimeSpan.FromMinutes(-10);
        await pki.RevokeAsync(leaf);
        clock.Skew = TimeSpan.Zero;

        var delta = await pki.Revocation.CreateDeltaCrlAsync(ca);
        Assert.Equal(baseCrl.Number, delta.BaseCrlNumber);
        Assert.Contains(leaf.Record.SerialNumberHex, CrlContents.Read(delta.Der).Entries.Keys);
    }
}
