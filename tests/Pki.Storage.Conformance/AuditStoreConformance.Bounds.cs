using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Bounds every store applies alike: the length of indexed text (<see cref="StoreInputRules.MaximumIndexedLength"/>).</summary>
public abstract partial class AuditStoreConformance
{
    /// <summary>Every indexed text member of <see cref="AuditEvent"/>, with a length just over the bound and one far over PostgreSQL's index limit.</summary>
    public static TheoryData<string, int> IndexedEventMembers()
    {
        var data = new TheoryData<string, int>();
        foreach (string member in new[] { nameof(AuditEvent.Actor), nameof(AuditEvent.Action), nameof(AuditEvent.ObjectId) })
        {
            data.Add(member, HostileText.IndexedBound + 1);
            data.Add(member, 1_000);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IndexedEventMembers))]
    public async Task Append_refuses_indexed_text_over_the_bound_with_InvalidRequest_naming_the_member_and_appends_nothing(string member, int length)
    {
        var store = Track(await CreateStoreAsync());
        var first = await AppendAsync(store, Event(1));

        await HostileText.AssertRefusedAsync(async () => await AppendAsync(store, WithText(Event(2), member, HostileText.LongText(length))), member);

        Assert.Equal(first, await store.GetLastAsync(CancellationToken.None));
        Assert.Single(await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Indexed_text_at_the_bound_round_trips_and_is_found()
    {
        // 512 characters: the longest caller subject the core accepts is recorded as the actor.
        var store = Track(await CreateStoreAsync());
        var auditEvent = Event(1) with
        {
            Actor = HostileText.LongText(HostileText.IndexedBound, 2),
            Action = HostileText.LongText(HostileText.IndexedBound, 3),
            ObjectId = HostileText.LongText(HostileText.IndexedBound, 4),
        };

        await AppendAsync(store, auditEvent);

        Assert.Equal(auditEvent, await store.GetLastAsync(CancellationToken.None));
        var found = await store.QueryAsync(new AuditQuery { Actor = auditEvent.Actor, Action = auditEvent.Action, ObjectId = auditEvent.ObjectId }, CancellationToken.None).ToListAsync();
        Assert.Equal([auditEvent], found);
    }

    [Fact]
    public async Task Query_filters_with_text_over_the_bound_find_nothing()
    {
        var store = Track(await CreateStoreAsync());
        var first = await AppendAsync(store, Event(1));
        string tooLong = HostileText.LongText(1_000);

        Assert.Empty(await store.QueryAsync(new AuditQuery { Actor = first.Actor + tooLong }, CancellationToken.None).ToListAsync());
        Assert.Empty(await store.QueryAsync(new AuditQuery { Action = first.Action + tooLong }, CancellationToken.None).ToListAsync());
        Assert.Empty(await store.QueryAsync(new AuditQuery { ObjectId = first.ObjectId + tooLong }, CancellationToken.None).ToListAsync());
    }
}
