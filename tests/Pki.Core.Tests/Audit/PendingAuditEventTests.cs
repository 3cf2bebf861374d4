using Pki.Core;

namespace Pki.Core.Tests.Audit;

public sealed class PendingAuditEventTests
{
    private static readonly AuditEvent Sample = new()
    {
        Sequence = 1,
        Timestamp = DateTimeOffset.UnixEpoch,
        Actor = "alice",
        Action = "certificate.issue",
        ObjectType = AuditObjectTypes.Certificate,
        Outcome = AuditOutcome.Success,
        PreviousHash = "0",
        Hash = "1",
    };

    private static PendingAuditEvent Begin(List<(string, string?)>? built = null) =>
        PendingAuditEvent.Begin(AuditObjectTypes.Certificate, (objectId, authorityId) =>
        {
            built?.Add((objectId, authorityId));
            return _ => Sample with { ObjectId = objectId, AuthorityId = authorityId };
        });

    [Fact]
    public void The_event_is_taken_once_for_its_object_type_with_the_object_named()
    {
        var built = new List<(string, string?)>();
        using var pending = Begin(built);

        Assert.Null(pending.TryTake(AuditObjectTypes.Key, "k1", null));
        var next = pending.TryTake(AuditObjectTypes.Certificate, "c1", "ca1");
        Assert.NotNull(next);
        Assert.Null(pending.TryTake(AuditObjectTypes.Certificate, "c2", "ca1"));
        Assert.Equal([("c1", (string?)"ca1")], built);
        Assert.Equal("c1", next(null).ObjectId);
    }

    [Fact]
    public void A_released_event_can_be_taken_again_and_a_written_one_cannot()
    {
        using var pending = Begin();
        Assert.NotNull(pending.TryTake(AuditObjectTypes.Certificate, "c1", null));
        pending.Release();
        Assert.Null(pending.WrittenEvent);

        Assert.NotNull(pending.TryTake(AuditObjectTypes.Certificate, "c2", null));
        pending.Written(Sample with { ObjectId = "c2" });
        pending.Release();

        Assert.Equal("c2", pending.WrittenEvent?.ObjectId);
        Assert.Null(pending.TryTake(AuditObjectTypes.Certificate, "c3", null));
    }

    [Fact]
    public async Task It_flows_into_awaited_calls_and_disposing_restores_the_enclosing_one()
    {
        Assert.Null(PendingAuditEvent.Current);
        using (var outer = Begin())
        {
            using (var inner = Begin())
            {
                await Task.Yield();
                Assert.Same(inner, await Task.Run(() => PendingAuditEvent.Current));
            }

            Assert.Same(outer, PendingAuditEvent.Current);
        }

        Assert.Null(PendingAuditEvent.Current);
    }
}
