using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Audit;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Audit;

public sealed class AuditLogTests
{
    private static async Task<(InMemoryAuditStore Store, AuditLog Log)> WriteAsync(int count)
    {
        var store = new InMemoryAuditStore();
        var writer = new AuditWriter(store, new FixedCaller(new PkiCaller { Subject = "alice", Organization = "acme" }), PkiTestHost.FakeClock());
        for (int i = 0; i < count; i++)
        {
            var entry = new AuditEntry(i % 3 == 0 ? "certificate.revoke" : "certificate.issue", "certificate", "c" + i, "ca1");
            if (i % 5 == 4)
            {
                await writer.FailedAsync(entry, PkiErrorCode.PolicyViolation, CancellationToken.None);
            }
            else
            {
                await writer.SucceededAsync(entry, CancellationToken.None);
            }
        }

        return (store, new AuditLog(store));
    }

    private sealed class FixedCaller(PkiCaller caller) : ICallerAccessor
    {
        public PkiCaller Caller => caller;
    }

    [Fact]
    public async Task An_untouched_log_verifies_and_is_chained()
    {
        var (_, log) = await WriteAsync(12);

        var result = await log.VerifyAsync();
        var events = await log.QueryAsync().ToListAsync();

        Assert.Equal(new AuditVerification(true, 12, null, null), result);
        Assert.Equal(AuditHasher.GenesisHash, events[0].PreviousHash);
        Assert.All(events.Skip(1).Zip(events), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
        Assert.Equal("alice", events[0].Actor);
        Assert.Equal(AuditOutcome.Failure, events[4].Outcome);
        Assert.Equal(PkiErrorCode.PolicyViolation, events[4].ErrorCode);
    }

    [Property(MaxTest = 60)]
    public Property Edits_deletions_and_reorderings_are_found_where_they_happen(PositiveInt size, PositiveInt where, byte kind)
    {
        int count = 2 + size.Get % 20;
        int position = where.Get % count;
        var (store, log) = WriteAsync(count).GetAwaiter().GetResult();
        long expected = position + 1;
        switch (kind % 4)
        {
            case 0:
                store.Tamper(events => { events[position] = events[position] with { Actor = "mallory" }; return events; });
                break;
            case 1:
                store.Tamper(events => { events.RemoveAt(position); return events; });
                expected = position == count - 1 ? -1 : position + 1;
                break;
            case 2:
                int other = position == count - 1 ? position - 1 : position + 1;
                store.Tamper(events => { (events[position], events[other]) = (events[other], events[position]); return events; });
                expected = Math.Min(position, other) + 1;
                break;
            default:
                // Re-sequencing and re-hashing one event still breaks the link from the next one.
                store.Tamper(events =>
                {
                    var edited = events[position] with { ObjectId = "forged" };
                    events[position] = edited with { Hash = AuditHasher.Compute(edited) };
                    return events;
                });
                expected = position == count - 1 ? -1 : position + 2;
                break;
        }

        var result = log.VerifyAsync().AsTask().GetAwaiter().GetResult();
        // Removing or rehashing the very last event leaves a shorter chain that is still intact: only an external
        // anchor (the last hash, published elsewhere) detects truncation at the end.
        return expected == -1
            ? result.IsIntact.ToProperty()
            : (!result.IsIntact && result.FirstBrokenSequence == expected).ToProperty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-7)]
    public async Task An_event_slipped_in_below_the_first_sequence_breaks_the_chain(long sequence)
    {
        var (store, log) = await WriteAsync(5);
        store.Tamper(events => [events[2] with { Sequence = sequence, Actor = "mallory" }, .. events]);

        var result = await log.VerifyAsync();

        Assert.False(result.IsIntact);
        Assert.Equal(1, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Concurrent_writers_keep_the_chain_intact()
    {
        var store = new InMemoryAuditStore();
        var writer = new AuditWriter(store, new FixedCaller(PkiCaller.System), TimeProvider.System);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                await writer.SucceededAsync(new AuditEntry("certificate.issue", "certificate", $"{t}-{i}", null), CancellationToken.None);
            }
        })));

        var result = await new AuditLog(store).VerifyAsync();
        Assert.True(result.IsIntact, result.Reason);
        Assert.Equal(400, result.EventsChecked);
    }
}
