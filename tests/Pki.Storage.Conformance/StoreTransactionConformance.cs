using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// An operation's <see cref="StoreTransaction"/>: stores that enlist make every change written through it (CA, certificate,
/// key, status change, audit event) commit together or not at all, and show them to the operation itself but to no
/// one else before the commit. Stores that do not enlist write as they go.
/// </summary>
public abstract class StoreTransactionConformance : StoreConformanceBase
{
    /// <summary>Whether the stores enlist in a store transaction (durable stores) or write as they go (in-memory).</summary>
    protected abstract bool Enlists { get; }

    /// <summary>Creates fresh, empty stores of one database and its audit store.</summary>
    protected abstract ValueTask<(TidyStores Stores, IAuditStore Audit)> CreateStoresAsync();

    [Fact]
    public async Task A_transaction_rolled_back_leaves_nothing_of_what_it_wrote()
    {
        var (stores, audit) = await CreateAsync();
        var changes = new Changes(stores);

        await using (var transaction = StoreTransaction.Begin())
        {
            await changes.WriteAsync(audit);
            Assert.Same(transaction, StoreTransaction.Current);
        }

        Assert.Null(StoreTransaction.Current);
        if (Enlists)
        {
            Assert.Null(await stores.Authorities.GetAsync(changes.Authority.Id, NoCancellation));
            Assert.Null(await stores.Certificates.GetAsync(changes.Certificate.Id, NoCancellation));
            Assert.Null(await stores.Keys.GetAsync(changes.Key.Id, NoCancellation));
            Assert.Null(await audit.GetLastAsync(NoCancellation));
            Assert.Null(await stores.Revocation.GetLatestCrlAsync(changes.Authority.Id, delta: false, NoCancellation));
        }
        else
        {
            await changes.AssertStoredAsync(audit);
        }

        // The stores go on working after a rollback.
        var next = new Changes(stores);
        await next.WriteAsync(audit);
        await next.AssertStoredAsync(audit);
    }

    [Fact]
    public async Task A_committed_transaction_keeps_everything_and_the_operation_reads_its_own_writes()
    {
        var (stores, audit) = await CreateAsync();
        var changes = new Changes(stores);

        await using (var transaction = StoreTransaction.Begin())
        {
            await changes.WriteAsync(audit);

            // Inside: every change is visible to the operation, the status change included.
            await changes.AssertStoredAsync(audit);
            await transaction.CommitAsync(NoCancellation);
        }

        await changes.AssertStoredAsync(audit);
    }

    [Fact]
    public async Task Before_the_commit_no_one_else_sees_the_changes_and_writers_outside_are_not_lost()
    {
        var (stores, audit) = await CreateAsync();
        var changes = new Changes(stores);
        var outsider = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        Task outsideWrite;
        await using (var transaction = StoreTransaction.Begin())
        {
            await changes.WriteAsync(audit);

            var seenOutside = await Outside(() => stores.Certificates.GetAsync(changes.Certificate.Id, NoCancellation).AsTask());
            Assert.Equal(Enlists ? null : changes.Certificate.Id, seenOutside?.Id);

            // Another operation's write, started now, completes once it may (SQLite: after this commit); it is not part
            // of this transaction.
            outsideWrite = Outside(() => stores.Certificates.AddAsync(outsider, NoCancellation).AsTask());
            await transaction.CommitAsync(NoCancellation);
        }

        await outsideWrite;
        Assert.NotNull(await stores.Certificates.GetAsync(outsider.Id, NoCancellation));
        await changes.AssertStoredAsync(audit);
    }

    [Fact]
    public async Task A_refused_write_inside_is_undone_alone_and_the_rest_commits()
    {
        var (stores, audit) = await CreateAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var first = ConformanceRecords.Certificate(authority);
        var duplicate = ConformanceRecords.Certificate(authority, serialNumber: first.SerialNumber);
        var second = ConformanceRecords.Certificate(authority);

        await using (var transaction = StoreTransaction.Begin())
        {
            await stores.Certificates.AddAsync(first, NoCancellation);
            var refused = await Assert.ThrowsAsync<PkiException>(() => stores.Certificates.AddAsync(duplicate, NoCancellation).AsTask());
            Assert.Equal(PkiErrorCode.DuplicateSerialNumber, refused.Code);
            await stores.Certificates.AddAsync(second, NoCancellation);
            await transaction.CommitAsync(NoCancellation);
        }

        Assert.NotNull(await stores.Certificates.GetAsync(first.Id, NoCancellation));
        Assert.NotNull(await stores.Certificates.GetAsync(second.Id, NoCancellation));
        Assert.Null(await stores.Certificates.GetAsync(duplicate.Id, NoCancellation));
    }

    [Fact]
    public async Task A_transaction_begun_inside_another_joins_it()
    {
        var (stores, audit) = await CreateAsync();
        var changes = new Changes(stores);

        await using (var outer = StoreTransaction.Begin())
        {
            await using (var inner = StoreTransaction.Begin())
            {
                await changes.WriteAsync(audit);
                await inner.CommitAsync(NoCancellation); // joins the outer one: nothing is committed yet
            }

            Assert.Same(outer, StoreTransaction.Current);
        }

        if (Enlists)
        {
            Assert.Null(await stores.Authorities.GetAsync(changes.Authority.Id, NoCancellation));
            Assert.Null(await audit.GetLastAsync(NoCancellation));
        }
    }

    [Fact]
    public async Task Audit_events_appended_inside_chain_on_from_those_committed_outside()
    {
        var (stores, audit) = await CreateAsync();
        await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "before"), NoCancellation);
        await using (var transaction = StoreTransaction.Begin())
        {
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "inside-1"), NoCancellation);
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "inside-2"), NoCancellation);
            Assert.Equal(3, (await audit.GetLastAsync(NoCancellation))!.Sequence);
            await transaction.CommitAsync(NoCancellation);
        }

        var after = await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "after"), NoCancellation);
        Assert.Equal(4, after.Sequence);
        var all = await ReadAsync(audit.QueryAsync(new AuditQuery { Limit = 10 }, NoCancellation));
        Assert.Equal(["before", "inside-1", "inside-2", "after"], all.Select(e => e.ObjectId));
    }

    private async Task<(TidyStores Stores, IAuditStore Audit)> CreateAsync()
    {
        var (stores, audit) = await CreateStoresAsync();
        Track(stores.Certificates);
        Track(stores.Tokens);
        Track(stores.Revocation);
        Track(stores.Keys);
        Track(stores.Authorities);
        Track(audit);
        return (stores, audit);
    }

    /// <summary>Runs <paramref name="work"/> in a flow of its own: another operation, outside the ambient transaction.</summary>
    private static Task<T> Outside<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    private static Task Outside(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    /// <summary>One of each change an operation makes: a key, a CA, a certificate of it, its revocation, a CRL, an event.</summary>
    private sealed class Changes(TidyStores stores)
    {
        public StoredPrivateKey Key { get; } = ConformanceRecords.PrivateKey();

        public AuthorityRecord Authority { get; } = ConformanceRecords.Authority();

        public CertificateRecord Certificate { get; private set; } = null!;

        public async Task WriteAsync(IAuditStore audit)
        {
            await stores.Keys.AddAsync(Key, NoCancellation);
            await stores.Authorities.AddAsync(Authority with { KeyId = Key.Id }, NoCancellation);
            Certificate = ConformanceRecords.Certificate(Authority.ToSummary()) with { Status = CertificateStatus.Active, RevokedAt = null };
            await stores.Certificates.AddAsync(Certificate, NoCancellation);
            var revoked = await stores.Revocation.TryChangeStatusAsync(
                new CertificateStatusChange
                {
                    CertificateId = Certificate.Id,
                    ExpectedStatus = CertificateStatus.Active,
                    NewStatus = CertificateStatus.Revoked,
                    Reason = RevocationReason.KeyCompromise,
                    RevokedAt = ConformanceRecords.BaseTime.AddDays(1),
                    ChangedAt = ConformanceRecords.BaseTime.AddDays(1),
                },
                NoCancellation);
            Assert.NotNull(revoked);
            long number = await stores.Revocation.NextCrlNumberAsync(Authority.Id, NoCancellation);
            await stores.Revocation.SaveCrlAsync(Crl(number), NoCancellation);
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, Certificate.Id), NoCancellation);
        }

        public async Task AssertStoredAsync(IAuditStore audit)
        {
            Assert.NotNull(await stores.Keys.GetAsync(Key.Id, NoCancellation));
            Assert.NotNull(await stores.Authorities.GetAsync(Authority.Id, NoCancellation));
            Assert.Equal(CertificateStatus.Revoked, (await stores.Certificates.GetAsync(Certificate.Id, NoCancellation))?.Status);
            Assert.NotNull(await stores.Revocation.GetLatestCrlAsync(Authority.Id, delta: false, NoCancellation));
            var events = await ReadAsync(audit.QueryAsync(new AuditQuery { ObjectId = Certificate.Id, Limit = 10 }, NoCancellation));
            Assert.Single(events);
        }

        private CertificateRevocationList Crl(long number) => new()
        {
            AuthorityId = Authority.Id,
            Number = number,
            ThisUpdate = ConformanceRecords.BaseTime.AddDays(1),
            NextUpdate = ConformanceRecords.BaseTime.AddDays(8),
            CreatedAt = ConformanceRecords.BaseTime.AddDays(1),
            EntryCount = 1,
            Der = System.Security.Cryptography.RandomNumberGenerator.GetBytes(300),
        };
    }
}
