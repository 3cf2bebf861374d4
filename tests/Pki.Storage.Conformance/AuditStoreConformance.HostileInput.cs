using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Hostile input: text no store can hold, undefined enum members, extreme query values.</summary>
public abstract partial class AuditStoreConformance
{
    /// <summary>Every text member of <see cref="AuditEvent"/>.</summary>
    public static TheoryData<string, string> HostileEventMembers() => HostileText.Cross(
        nameof(AuditEvent.Actor), nameof(AuditEvent.ActorOrganization), nameof(AuditEvent.Action), nameof(AuditEvent.ObjectType),
        nameof(AuditEvent.ObjectId), nameof(AuditEvent.AuthorityId), nameof(AuditEvent.CorrelationId), nameof(AuditEvent.PreviousHash),
        nameof(AuditEvent.Hash));

    /// <summary>The kinds of <see cref="HostileText.UnstorableKinds"/>.</summary>
    public static TheoryData<string> HostileEventKinds() => HostileText.Kinds();

    private static AuditEvent WithText(AuditEvent auditEvent, string member, string value) => member switch
    {
        nameof(AuditEvent.Actor) => auditEvent with { Actor = value },
        nameof(AuditEvent.ActorOrganization) => auditEvent with { ActorOrganization = value },
        nameof(AuditEvent.Action) => auditEvent with { Action = value },
        nameof(AuditEvent.ObjectType) => auditEvent with { ObjectType = value },
        nameof(AuditEvent.ObjectId) => auditEvent with { ObjectId = value },
        nameof(AuditEvent.AuthorityId) => auditEvent with { AuthorityId = value },
        nameof(AuditEvent.CorrelationId) => auditEvent with { CorrelationId = value },
        nameof(AuditEvent.PreviousHash) => auditEvent with { PreviousHash = value },
        nameof(AuditEvent.Hash) => auditEvent with { Hash = value },
        _ => throw new ArgumentOutOfRangeException(nameof(member), member, "Not a text member."),
    };

    [Theory]
    [MemberData(nameof(HostileEventMembers))]
    public async Task Append_refuses_text_no_store_can_hold_with_InvalidRequest_naming_the_member_and_appends_nothing(string member, string kind)
    {
        var store = Track(await CreateStoreAsync());
        var first = await AppendAsync(store, Event(1));

        await HostileText.AssertRefusedAsync(async () => await AppendAsync(store, WithText(Event(2), member, HostileText.Unstorable(kind))), member);

        Assert.Equal(first, await store.GetLastAsync(CancellationToken.None));
        Assert.Equal(2, (await AppendAsync(store, Event(2))).Sequence);
    }

    [Fact]
    public async Task Append_refuses_undefined_outcomes_and_error_codes_with_InvalidRequest()
    {
        var store = Track(await CreateStoreAsync());
        foreach (int value in new[] { -1, 999_999, short.MaxValue + 1, int.MaxValue })
        {
            await HostileText.AssertRefusedAsync(async () => await AppendAsync(store, Event(1) with { Outcome = (AuditOutcome)value }), nameof(AuditEvent.Outcome));
            await HostileText.AssertRefusedAsync(async () => await AppendAsync(store, Event(1) with { ErrorCode = (PkiErrorCode)value }), nameof(AuditEvent.ErrorCode));
        }

        Assert.Null(await store.GetLastAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Unusual_but_valid_text_in_every_member_round_trips_exactly()
    {
        var store = Track(await CreateStoreAsync());
        var auditEvent = Event(1);
        foreach (var member in HostileEventMembers().Select(row => (string)row[0]).Distinct())
        {
            auditEvent = WithText(auditEvent, member, HostileText.Unusual(member));
        }

        await AppendAsync(store, auditEvent);

        Assert.Equal(auditEvent, await store.GetLastAsync(CancellationToken.None));
        var found = await store.QueryAsync(new AuditQuery { Actor = auditEvent.Actor, Action = auditEvent.Action, ObjectId = auditEvent.ObjectId }, CancellationToken.None).ToListAsync();
        Assert.Equal([auditEvent], found);
    }

    [Theory]
    [MemberData(nameof(HostileEventKinds))]
    public async Task Query_filters_with_text_no_store_can_hold_find_nothing(string kind)
    {
        var store = Track(await CreateStoreAsync());
        var first = await AppendAsync(store, Event(1));
        await AppendAsync(store, Event(2) with
        {
            Actor = HostileText.AsReplaced(HostileText.Unstorable(kind, first.Actor)),
            Action = HostileText.AsReplaced(HostileText.Unstorable(kind, first.Action)),
            ObjectId = HostileText.AsReplaced(HostileText.Unstorable(kind, first.ObjectId!)),
        });

        Assert.Empty(await store.QueryAsync(new AuditQuery { Actor = HostileText.Unstorable(kind, first.Actor) }, CancellationToken.None).ToListAsync());
        Assert.Empty(await store.QueryAsync(new AuditQuery { Action = HostileText.Unstorable(kind, first.Action) }, CancellationToken.None).ToListAsync());
        Assert.Empty(await store.QueryAsync(new AuditQuery { ObjectId = HostileText.Unstorable(kind, first.ObjectId!) }, CancellationToken.None).ToListAsync());
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync()).Count);
    }

    [Fact]
    public async Task Query_with_extreme_limits_sequences_and_instants_behaves_like_every_other_store()
    {
        var store = Track(await CreateStoreAsync());
        var events = new List<AuditEvent>();
        for (long i = 1; i <= 3; i++)
        {
            events.Add(await AppendAsync(store, Event(i)));
        }

        async Task<List<long>> SequencesAsync(AuditQuery query) =>
            [.. (await store.QueryAsync(query, CancellationToken.None).ToListAsync()).Select(e => e.Sequence)];

        foreach (int limit in new[] { 0, -1, int.MinValue })
        {
            Assert.Empty(await SequencesAsync(new AuditQuery { Limit = limit }));
        }

        Assert.Equal([1L, 2, 3], await SequencesAsync(new AuditQuery { Limit = int.MaxValue }));
        Assert.Equal([1L, 2, 3], await SequencesAsync(new AuditQuery { AfterSequence = long.MinValue }));
        Assert.Equal([1L, 2, 3], await SequencesAsync(new AuditQuery { AfterSequence = -1 }));
        Assert.Empty(await SequencesAsync(new AuditQuery { AfterSequence = long.MaxValue }));
        Assert.Equal([3L], await SequencesAsync(new AuditQuery { AfterSequence = 2, Limit = int.MaxValue }));
        Assert.Equal([1L, 2, 3], await SequencesAsync(new AuditQuery { From = DateTimeOffset.MinValue, To = DateTimeOffset.MaxValue }));
        Assert.Empty(await SequencesAsync(new AuditQuery { From = DateTimeOffset.MaxValue }));
        Assert.Empty(await SequencesAsync(new AuditQuery { To = DateTimeOffset.MinValue }));
    }
}
