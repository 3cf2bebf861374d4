using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>The guarantees every <see cref="IAuditStore"/> gives: append-only, gap-free sequence, atomic read-and-append.</summary>
public abstract partial class AuditStoreConformance : StoreConformanceBase
{
    protected abstract ValueTask<IAuditStore> CreateStoreAsync();

    private static ValueTask<AuditEvent> AppendAsync(IAuditStore store, AuditEvent auditEvent) =>
        store.AppendAsync(_ => auditEvent, CancellationToken.None);

    /// <summary>Chains onto whatever the store says is last, as the engine does.</summary>
    private static AuditEvent Chained(AuditEvent? last, string actor) => Event((last?.Sequence ?? 0) + 1) with
    {
        Actor = actor,
        PreviousHash = last?.Hash ?? new string('0', 64),
    };

    private static AuditEvent Event(long sequence, string action = "certificate.issue") => new()
    {
        Sequence = sequence,
        Timestamp = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).AddSeconds(sequence),
        Actor = sequence % 2 == 0 ? "alice" : "bob",
        Action = action,
        ObjectType = "certificate",
        ObjectId = "obj" + sequence,
        Outcome = AuditOutcome.Success,
        PreviousHash = new string('0', 64),
        Hash = sequence.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task An_empty_log_has_no_last_event()
    {
        var store = Track(await CreateStoreAsync());
        Assert.Null(await store.GetLastAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Events_append_in_sequence_and_read_back_equal()
    {
        var store = Track(await CreateStoreAsync());
        for (long i = 1; i <= 5; i++)
        {
            Assert.Equal(Event(i), await AppendAsync(store, Event(i)));
        }

        var all = await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Event(i)), all);
        Assert.Equal(Event(5), await store.GetLastAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task An_event_that_does_not_take_the_next_sequence_is_refused_and_nothing_is_written(long sequence)
    {
        var store = Track(await CreateStoreAsync());
        await AppendAsync(store, Event(1));

        await Assert.ThrowsAsync<ArgumentException>(() => AppendAsync(store, Event(sequence)).AsTask());

        Assert.Single(await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task The_builder_sees_the_last_event_and_its_failure_writes_nothing()
    {
        var store = Track(await CreateStoreAsync());
        await AppendAsync(store, Event(1));
        AuditEvent? seen = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync(
            last =>
            {
                seen = last;
                throw new InvalidOperationException("builder failed");
            },
            CancellationToken.None).AsTask());

        Assert.Equal(Event(1), seen);
        Assert.Equal(Event(2), await AppendAsync(store, Event(2)));
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync()).Count);
    }

    [Fact]
    public async Task A_cancelled_append_writes_nothing()
    {
        var store = Track(await CreateStoreAsync());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync(last => Event(1), cancelled.Token).AsTask());

        Assert.Null(await store.GetLastAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_writers_queue_without_a_gap_a_duplicate_or_a_fork_in_the_chain()
    {
        var store = Track(await CreateStoreAsync());
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            for (int i = 0; i < 25; i++)
            {
                await store.AppendAsync(last => Chained(last, "writer" + writer), CancellationToken.None);
            }
        })));

        var all = await store.QueryAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(new string('0', 64), all[0].PreviousHash);
        for (int i = 1; i < all.Count; i++)
        {
            Assert.Equal(all[i - 1].Hash, all[i].PreviousHash);
        }

        Assert.All(Enumerable.Range(0, 16), writer => Assert.Equal(25, all.Count(e => e.Actor == "writer" + writer)));
    }

    [Fact]
    public async Task Queries_filter_and_page_by_sequence()
    {
        var store = Track(await CreateStoreAsync());
        for (long i = 1; i <= 10; i++)
        {
            await AppendAsync(store, Event(i, i <= 5 ? "certificate.issue" : "certificate.revoke"));
        }

        Assert.Equal([6L, 7, 8, 9, 10], await store.QueryAsync(new AuditQuery { Action = "certificate.revoke" }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
        Assert.Equal([2L, 4, 6, 8, 10], await store.QueryAsync(new AuditQuery { Actor = "alice" }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
        Assert.Equal([4L, 5], await store.QueryAsync(new AuditQuery { AfterSequence = 3, Limit = 2 }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
        Assert.Equal(["obj7"], await store.QueryAsync(new AuditQuery { ObjectId = "obj7" }, CancellationToken.None).Select(e => e.ObjectId).ToListAsync());
        var from = Event(3).Timestamp;
        Assert.Equal([3L, 4], await store.QueryAsync(new AuditQuery { From = from, To = from.AddSeconds(2) }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
    }
}
