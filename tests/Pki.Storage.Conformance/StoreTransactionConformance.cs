using FsCheck.Xunit;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// An operation's <see cref="StoreTransaction"/>: every change written through it (CA, certificate, key, status change,
/// CRL number and CRL, audit event) is kept together or not at all, and the operation reads its own writes. Durable
/// stores also show the changes to no one else before the commit; the in-memory stores apply them at once and take
/// them back on rollback.
/// </summary>
public abstract class StoreTransactionConformance : StoreConformanceBase
{
    /// <summary>Whether others see an operation's changes only once it commits (durable stores) or at once (in-memory).</summary>
    protected abstract bool Isolates { get; }

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
        await changes.AssertNothingStoredAsync(audit);

        // The stores go on working after a rollback: the same changes again, the CRL number taken back.
        var next = new Changes(stores, changes.Authority.Id);
        await next.WriteAsync(audit);
        await next.AssertStoredAsync(audit);
        Assert.Equal(1, (await stores.Revocation.GetLatestCrlAsync(changes.Authority.Id, delta: false, NoCancellation))!.Number);
        Assert.Equal(1, (await audit.GetLastAsync(NoCancellation))!.Sequence);
    }

    [Fact]
    public async Task A_rollback_takes_back_updates_and_status_changes_of_records_stored_before()
    {
        var (stores, audit) = await CreateAsync();
        var before = new Changes(stores);
        await before.WriteAsync(audit);
        var token = ConformanceTokens.Token(before.Authority.ToSummary());
        await stores.Tokens.AddAsync(token, NoCancellation);
        var active = ConformanceRecords.Certificate(before.Authority.ToSummary()) with { Status = CertificateStatus.Active, RevokedAt = null };
        await stores.Certificates.AddAsync(active, NoCancellation);
        var authority = await stores.Authorities.GetAsync(before.Authority.Id, NoCancellation);
        var key = await stores.Keys.GetAsync(before.Key.Id, NoCancellation);

        await using (StoreTransaction.Begin())
        {
            await stores.Authorities.UpdateAsync(authority! with { Name = "Renamed", Status = AuthorityStatus.Revoked }, NoCancellation);
            Assert.NotNull(await stores.Revocation.TryChangeStatusAsync(Revoke(active.Id), NoCancellation));
            await stores.Keys.ReplaceProtectedKeyAsync(key!.Id, key.ProtectedPkcs8, new byte[] { 1, 2, 3 }, NoCancellation);
            await stores.Tokens.DeleteAsync(token.Token.Id, ConformanceRecords.BaseTime.AddDays(2), NoCancellation);
        }

        var authorityAfter = await stores.Authorities.GetAsync(before.Authority.Id, NoCancellation);
        Assert.Equal((authority!.Name, authority.Status), (authorityAfter!.Name, authorityAfter.Status));
        Assert.NotNull(await stores.Authorities.FindByNameAsync(authority.Name, authority.Organization, NoCancellation));
        Assert.Null(await stores.Authorities.FindByNameAsync("Renamed", authority.Organization, NoCancellation));
        Assert.Equal(CertificateStatus.Active, (await stores.Certificates.GetAsync(active.Id, NoCancellation))!.Status);
        var entries = await ReadAsync(stores.Revocation.ListEntriesAsync(
            new RevocationEntryQuery { AuthorityId = before.Authority.Id }, NoCancellation));
        Assert.DoesNotContain(entries, e => e.CertificateId == active.Id);
        Assert.Equal(key.ProtectedPkcs8.ToArray(), (await stores.Keys.GetAsync(key.Id, NoCancellation))!.ProtectedPkcs8.ToArray());
        Assert.Equal(RequestTokenState.Unused, (await stores.Tokens.GetAsync(token.Token.Id, NoCancellation))!.State);
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
            Assert.Equal(Isolates ? null : changes.Certificate.Id, seenOutside?.Id);

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

        await changes.AssertNothingStoredAsync(audit);
    }

    /// <summary>
    /// Whatever mix of changes an operation makes — to records it created itself or to ones stored before, refused ones
    /// included — rolling back leaves every store reading exactly as before.
    /// </summary>
    /// <param name="steps">The changes, each byte picking one of eleven kinds.</param>
    /// <param name="picks">Which records the changes pick, used in turn.</param>
    [Property(MaxTest = 25)]
    public async Task Any_mix_of_changes_rolled_back_leaves_every_store_reading_as_before(byte[] steps, byte[] picks)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _world ??= await World.SeedAsync(await CreateAsync());
        var world = _world;
        var random = new Picks(picks);
        string before = await world.SnapshotAsync();

        await using (StoreTransaction.Begin())
        {
            foreach (byte step in steps.Take(16))
            {
                try
                {
                    await world.ChangeAsync(step % World.Kinds, random);
                }
                catch (PkiException)
                {
                    // A refused change (a token already deleted, a CA name taken): undone alone, the rest goes on.
                }
            }
        }

        world.ForgetRolledBack();
        Assert.Equal(before, await world.SnapshotAsync());
    }

    private World? _world;

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


    /// <summary>Stores with a few records of every kind, changed at random inside transactions and read back whole.</summary>
    private sealed class World(TidyStores stores, IAuditStore audit)
    {
        public const int Kinds = 11;

        private readonly List<AuthorityRecord> _authorities = [];
        private readonly List<CertificateRecord> _certificates = [];
        private readonly List<StoredPrivateKey> _keys = [];
        private readonly List<StoredRequestToken> _tokens = [];
        private (int Authorities, int Certificates, int Keys, int Tokens) _seeded;

        private static DateTimeOffset Now => ConformanceRecords.BaseTime.AddDays(1);

        public static async Task<World> SeedAsync((TidyStores Stores, IAuditStore Audit) created)
        {
            var world = new World(created.Stores, created.Audit);
            for (int i = 0; i < 2; i++)
            {
                await world.ChangeAsync(0, Picks.First); // a key
                await world.ChangeAsync(1, Picks.First); // a CA with it
                await world.ChangeAsync(3, Picks.First); // two certificates of a CA
                await world.ChangeAsync(3, Picks.First);
                await world.ChangeAsync(6, Picks.First); // a token
                await world.ChangeAsync(8, Picks.First); // a CRL
                await world.ChangeAsync(9, Picks.First); // an event
            }

            await world.ChangeAsync(4, Picks.First); // one certificate revoked
            world._seeded = (world._authorities.Count, world._certificates.Count, world._keys.Count, world._tokens.Count);
            return world;
        }

        /// <summary>Forgets the records made since seeding (each transaction rolls back).</summary>
        public void ForgetRolledBack()
        {
            _authorities.RemoveRange(_seeded.Authorities, _authorities.Count - _seeded.Authorities);
            _certificates.RemoveRange(_seeded.Certificates, _certificates.Count - _seeded.Certificates);
            _keys.RemoveRange(_seeded.Keys, _keys.Count - _seeded.Keys);
            _tokens.RemoveRange(_seeded.Tokens, _tokens.Count - _seeded.Tokens);
        }

        public async Task ChangeAsync(int kind, Picks random)
        {
            switch (kind)
            {
                case 0:
                    var key = ConformanceRecords.PrivateKey();
                    await stores.Keys.AddAsync(key, NoCancellation);
                    _keys.Add(key);
                    break;
                case 1:
                    var authority = ConformanceRecords.Authority() with { KeyId = Pick(_keys, random).Id };
                    await stores.Authorities.AddAsync(authority, NoCancellation);
                    _authorities.Add(authority);
                    break;
                case 2:
                    var stored = await stores.Authorities.GetAsync(Pick(_authorities, random).Id, NoCancellation);
                    if (stored is not null)
                    {
                        // Half the time the name of another CA: refused.
                        string name = random.Next(2) == 0 ? Pick(_authorities, random).Name : "Renamed " + random.Next(1000);
                        await stores.Authorities.UpdateAsync(stored with { Name = name, Status = AuthorityStatus.Revoked }, NoCancellation);
                    }

                    break;
                case 3:
                    var certificate = ConformanceRecords.Certificate(Pick(_authorities, random).ToSummary()) with { Status = CertificateStatus.Active, RevokedAt = null };
                    await stores.Certificates.AddAsync(certificate, NoCancellation);
                    _certificates.Add(certificate);
                    break;
                case 4:
                    _ = await stores.Revocation.TryChangeStatusAsync(Revoke(Pick(_certificates, random).Id), NoCancellation);
                    break;
                case 5:
                    var current = await stores.Keys.GetAsync(Pick(_keys, random).Id, NoCancellation);
                    if (current is not null)
                    {
                        await stores.Keys.ReplaceProtectedKeyAsync(current.Id, current.ProtectedPkcs8, System.Security.Cryptography.RandomNumberGenerator.GetBytes(48), NoCancellation);
                    }

                    break;
                case 6:
                    var token = ConformanceTokens.Token(Pick(_authorities, random).ToSummary());
                    await stores.Tokens.AddAsync(token, NoCancellation);
                    _tokens.Add(token);
                    break;
                case 7:
                    await stores.Tokens.DeleteAsync(Pick(_tokens, random).Token.Id, Now, NoCancellation);
                    break;
                case 8:
                    string authorityId = Pick(_authorities, random).Id;
                    long number = await stores.Revocation.NextCrlNumberAsync(authorityId, NoCancellation);
                    await stores.Revocation.SaveCrlAsync(new CertificateRevocationList
                    {
                        AuthorityId = authorityId,
                        Number = number,
                        ThisUpdate = Now,
                        NextUpdate = Now.AddDays(7),
                        CreatedAt = Now,
                        EntryCount = 0,
                        Der = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64),
                    }, NoCancellation);
                    break;
                case 9:
                    await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, "event " + random.Next(1000)), NoCancellation);
                    break;
                default:
                    var redeemed = Pick(_tokens, random);
                    await stores.Tokens.RedeemAsync(redeemed.Token.Id, ConformanceTokens.Certificate(redeemed.Token.Authority), Now, NoCancellation);
                    break;
            }
        }

        /// <summary>Everything the stores answer, as text.</summary>
        public async Task<string> SnapshotAsync()
        {
            var lines = new List<string>();
            foreach (var a in await ReadAsync(stores.Authorities.ListAsync(new AuthorityQuery { Limit = 1000 }, NoCancellation)))
            {
                var byName = await stores.Authorities.FindByNameAsync(a.Name, a.Organization, NoCancellation);
                lines.Add($"ca {a.Id} {a.Name} {a.Status} found-by-name={byName?.Id}");
                var crl = await stores.Revocation.GetLatestCrlAsync(a.Id, delta: false, NoCancellation);
                lines.Add($"crl {a.Id} {crl?.Number}");
                foreach (var entry in await ReadAsync(stores.Revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = a.Id }, NoCancellation)))
                {
                    lines.Add($"entry {entry.CertificateId} {entry.Status}");
                }
            }

            foreach (var c in await ReadAsync(stores.Certificates.QueryAsync(new CertificateQuery { Limit = 1000 }, NoCancellation)))
            {
                var bySerial = await stores.Certificates.FindBySerialNumberAsync(c.CertificateAuthority.Id, c.SerialNumber, NoCancellation);
                lines.Add($"certificate {c.Id} {c.Status} {c.RevokedAt:O} found-by-serial={bySerial?.Id}");
            }

            foreach (var k in await ReadAsync(stores.Keys.ListAsync(new PrivateKeyQuery { Limit = 1000 }, NoCancellation)))
            {
                lines.Add($"key {k.Id} {Convert.ToHexString(k.ProtectedPkcs8.Span)}");
            }

            foreach (var t in await ReadAsync(stores.Tokens.ListAsync(new RequestTokenQuery { Limit = 1000 }, Now, NoCancellation)))
            {
                lines.Add($"token {t.Id} {t.State} {t.CertificateId}");
            }

            foreach (var t in _tokens)
            {
                lines.Add($"token-by-hash {t.Token.Id} {(await stores.Tokens.FindByHashAsync(t.SecretHash, NoCancellation))?.Token.Id}");
            }

            foreach (var e in await ReadAsync(audit.QueryAsync(new AuditQuery { Limit = 1000 }, NoCancellation)))
            {
                lines.Add($"event {e.Sequence} {e.Hash}");
            }

            return string.Join('\n', lines);
        }

        private static T Pick<T>(List<T> items, Picks random) => items[random.Next(items.Count)];
    }

    /// <summary>Choices taken in turn from generated bytes (0 when there are none), so that FsCheck can shrink them.</summary>
    private sealed class Picks(byte[]? bytes)
    {
        private int _next;

        public static Picks First => new(null);

        public int Next(int count) => bytes is { Length: > 0 } ? bytes[_next++ % bytes.Length] % count : 0;
    }

    /// <summary>A revocation (key compromise) of an active certificate, a day after <see cref="ConformanceRecords.BaseTime"/>.</summary>
    protected static CertificateStatusChange Revoke(string certificateId) => new()
    {
        CertificateId = certificateId,
        ExpectedStatus = CertificateStatus.Active,
        NewStatus = CertificateStatus.Revoked,
        Reason = RevocationReason.KeyCompromise,
        RevokedAt = ConformanceRecords.BaseTime.AddDays(1),
        ChangedAt = ConformanceRecords.BaseTime.AddDays(1),
    };

    /// <summary>One of each change an operation makes: a key, a CA, a certificate of it, its revocation, a CRL, an event.</summary>
    private sealed class Changes(TidyStores stores, string? authorityId = null)
    {
        public StoredPrivateKey Key { get; } = ConformanceRecords.PrivateKey();

        public AuthorityRecord Authority { get; } = ConformanceRecords.Authority(id: authorityId);

        public CertificateRecord Certificate { get; private set; } = null!;

        public async Task WriteAsync(IAuditStore audit)
        {
            await stores.Keys.AddAsync(Key, NoCancellation);
            await stores.Authorities.AddAsync(Authority with { KeyId = Key.Id }, NoCancellation);
            Certificate = ConformanceRecords.Certificate(Authority.ToSummary()) with { Status = CertificateStatus.Active, RevokedAt = null };
            await stores.Certificates.AddAsync(Certificate, NoCancellation);
            Assert.NotNull(await stores.Revocation.TryChangeStatusAsync(Revoke(Certificate.Id), NoCancellation));
            long number = await stores.Revocation.NextCrlNumberAsync(Authority.Id, NoCancellation);
            await stores.Revocation.SaveCrlAsync(Crl(number), NoCancellation);
            await audit.AppendAsync(last => ConformanceRecords.ChainedEvent(last, Certificate.Id), NoCancellation);
        }

        public async Task AssertNothingStoredAsync(IAuditStore audit)
        {
            Assert.Null(await stores.Authorities.GetAsync(Authority.Id, NoCancellation));
            Assert.Null(await stores.Authorities.FindByNameAsync(Authority.Name, Authority.Organization, NoCancellation));
            Assert.Null(await stores.Certificates.GetAsync(Certificate.Id, NoCancellation));
            Assert.Null(await stores.Certificates.FindBySerialNumberAsync(Authority.Id, Certificate.SerialNumber, NoCancellation));
            Assert.Null(await stores.Keys.GetAsync(Key.Id, NoCancellation));
            Assert.Null(await audit.GetLastAsync(NoCancellation));
            Assert.Null(await stores.Revocation.GetLatestCrlAsync(Authority.Id, delta: false, NoCancellation));
            Assert.Empty(await ReadAsync(stores.Revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = Authority.Id }, NoCancellation)));
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
