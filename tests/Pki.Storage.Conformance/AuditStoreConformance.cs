using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>The guarantees every <see cref="IAuditStore"/> gives: append-only, gap-free sequence, compare-and-append.</summary>
public abstract class AuditStoreConformance : StoreConformanceBase
{
    protected abstract ValueTask<IAuditStore> CreateStoreAsync();

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
            await store.AppendAsync(Event(i), CancellationToken.None);
        }

        var all = await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Event(i)), all);
        Assert.Equal(Event(5), await store.GetLastAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(1)]
    public async Task A_sequence_that_is_not_next_is_refused_and_nothing_is_written(long sequence)
    {
        var store = Track(await CreateStoreAsync());
        await store.AppendAsync(Event(1), CancellationToken.None);

        var error = await Assert.ThrowsAsync<PkiException>(() => store.AppendAsync(Event(sequence == 2 ? 3 : sequence), CancellationToken.None).AsTask());

        Assert.Equal(PkiErrorCode.ConcurrencyConflict, error.Code);
        Assert.Single(await store.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Concurrent_writers_never_leave_a_gap_or_a_duplicate()
    {
        var store = Track(await CreateStoreAsync());
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (int written = 0; written < 25;)
            {
                var last = await store.GetLastAsync(CancellationToken.None);
                try
                {
                    await store.AppendAsync(Event((last?.Sequence ?? 0) + 1), CancellationToken.None);
                    written++;
                }
                catch (PkiException ex) when (ex.Code == PkiErrorCode.ConcurrencyConflict)
                {
                }
            }
        })));

        var all = await store.QueryAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), all.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Queries_filter_and_page_by_sequence()
    {
        var store = Track(await CreateStoreAsync());
        for (long i = 1; i <= 10; i++)
        {
            await store.AppendAsync(Event(i, i <= 5 ? "certificate.issue" : "certificate.revoke"), CancellationToken.None);
        }

        Assert.Equal([6L, 7, 8, 9, 10], await store.QueryAsync(new AuditQuery { Action = "certificate.revoke" }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
        Assert.Equal([2L, 4, 6, 8, 10], await store.QueryAsync(new AuditQuery { Actor = "alice" }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
        Assert.Equal([4L, 5], await store.QueryAsync(new AuditQuery { AfterSequence = 3, Limit = 2 }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
        Assert.Equal(["obj7"], await store.QueryAsync(new AuditQuery { ObjectId = "obj7" }, CancellationToken.None).Select(e => e.ObjectId).ToListAsync());
        var from = Event(3).Timestamp;
        Assert.Equal([3L, 4], await store.QueryAsync(new AuditQuery { From = from, To = from.AddSeconds(2) }, CancellationToken.None).Select(e => e.Sequence).ToListAsync());
    }
}
