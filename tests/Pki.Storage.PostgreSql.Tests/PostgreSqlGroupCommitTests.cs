using Npgsql;
using Pki.Core;
using Pki.Storage.Conformance;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>
/// The group commit of a host's audited writes (<see cref="PostgreSqlGroupCommit"/>). To make a batch of known writes,
/// a test holds the audit log's lock from a connection of its own: the host's first batch waits for it, the writes made
/// meanwhile queue, and once the lock is let go they form the next batch.
/// </summary>
public sealed class PostgreSqlGroupCommitTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    private static readonly DateTimeOffset RedeemedAt = ConformanceRecords.BaseTime.AddDays(1);

    [Fact]
    public async Task A_duplicate_serial_and_a_used_token_in_the_middle_of_a_batch_fail_alone_while_another_host_writes()
    {
        var (host, other) = await TwoHostsAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var existing = ConformanceRecords.Certificate(authority);
        await Audited(() => host.Certificates.AddAsync(existing, CancellationToken.None));
        var used = ConformanceTokens.Token(authority);
        var fresh = ConformanceTokens.Token(authority);
        await host.Tokens.AddAsync(used, CancellationToken.None);
        await host.Tokens.AddAsync(fresh, CancellationToken.None);
        await Audited(() => host.Tokens.RedeemAsync(used.Token.Id, ConformanceTokens.Certificate(authority), RedeemedAt, CancellationToken.None));
        long commitsBefore = host.Db.AuditedWrites.Commits;

        var first = ConformanceRecords.Certificate(authority);
        var duplicate = ConformanceRecords.Certificate(authority, serialNumber: existing.SerialNumber);
        var redeemed = ConformanceTokens.Certificate(authority);
        var refused = ConformanceTokens.Certificate(authority);
        var last = ConformanceRecords.Certificate(authority);
        Task<AuditEvent?>[] batch;
        Task<AuditEvent?>[] elsewhere;
        await using (var held = await HoldAuditLockAsync(host.Db))
        {
            var blocked = Audited(() => host.Certificates.AddAsync(ConformanceRecords.Certificate(authority), CancellationToken.None));
            await WaitForLockWaiterAsync();

            // Queued one after the other, so that the batch runs them in this order: the refused redemption is undone
            // after the duplicate's statement failed behind it, and the writes after the duplicate are sent again.
            batch =
            [
                blocked,
                await QueuedAsync(host.Db, () => host.Certificates.AddAsync(first, CancellationToken.None)),
                await QueuedAsync(host.Db, () => host.Tokens.RedeemAsync(used.Token.Id, refused, RedeemedAt, CancellationToken.None)),
                await QueuedAsync(host.Db, () => host.Certificates.AddAsync(duplicate, CancellationToken.None)),
                await QueuedAsync(host.Db, () => host.Tokens.RedeemAsync(fresh.Token.Id, redeemed, RedeemedAt, CancellationToken.None)),
                await QueuedAsync(host.Db, () => host.Certificates.AddAsync(last, CancellationToken.None)),
            ];
            elsewhere = Enumerable.Range(0, 8)
                .Select(_ => Audited(() => other.Certificates.AddAsync(ConformanceRecords.Certificate(authority), CancellationToken.None)))
                .ToArray();
            await held.LetGoAsync();
        }

        Assert.Equal(PkiErrorCode.TokenAlreadyUsed, (await Assert.ThrowsAsync<PkiException>(() => batch[2])).Code);
        Assert.Equal(PkiErrorCode.DuplicateSerialNumber, (await Assert.ThrowsAsync<PkiException>(() => batch[3])).Code);
        foreach (var succeeded in batch.Where((_, i) => i is not 2 and not 3).Concat(elsewhere))
        {
            Assert.NotNull(await succeeded);
        }

        Assert.Equal(commitsBefore + 2, host.Db.AuditedWrites.Commits); // the blocked write, then the five queued behind it
        Assert.Null(await host.Certificates.GetAsync(duplicate.Id, CancellationToken.None));
        Assert.Null(await host.Certificates.GetAsync(refused.Id, CancellationToken.None));
        Assert.Equal(redeemed.Id, (await host.Tokens.GetAsync(fresh.Token.Id, CancellationToken.None))?.CertificateId);
        foreach (var certificate in new[] { first, redeemed, last })
        {
            Assert.NotNull(await host.Certificates.GetAsync(certificate.Id, CancellationToken.None));
        }

        var events = await AssertChainAsync(host.Db);
        Assert.Equal(2 + 4 + 8, events.Count);
        Assert.DoesNotContain(events, e => e.ObjectId == duplicate.Id || e.ObjectId == refused.Id);
        var written = await Task.WhenAll(batch.Where((_, i) => i is not 2 and not 3).Concat(elsewhere));
        Assert.Equal(events.Skip(2).Select(e => e.Hash), written.OrderBy(e => e!.Sequence).Select(e => e!.Hash));
    }

    [Fact]
    public async Task A_batch_whose_commit_fails_fails_every_write_and_keeps_none()
    {
        var (host, _) = await TwoHostsAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        await Audited(() => host.Certificates.AddAsync(ConformanceRecords.Certificate(authority), CancellationToken.None));

        // A deferred check refuses a certificate named "boom" only at COMMIT, after every statement of its batch succeeded.
        string schema = host.Db.Schema!;
        await ExecuteAsync(
            $"CREATE FUNCTION {schema}.refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.name = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NULL; END $$; "
            + $"CREATE CONSTRAINT TRIGGER refuse_boom AFTER INSERT ON {schema}.pki_certificates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {schema}.refuse_boom()");
        var token = ConformanceTokens.Token(authority);
        await host.Tokens.AddAsync(token, CancellationToken.None);

        var kept = ConformanceRecords.Certificate(authority);
        var lost = new[] { ConformanceRecords.Certificate(authority), ConformanceRecords.Certificate(authority) with { Name = "boom" }, ConformanceTokens.Certificate(authority) };
        Task<AuditEvent?> blocked;
        Task<AuditEvent?>[] batch;
        await using (var held = await HoldAuditLockAsync(host.Db))
        {
            blocked = Audited(() => host.Certificates.AddAsync(kept, CancellationToken.None));
            await WaitForLockWaiterAsync();
            batch =
            [
                Audited(() => host.Certificates.AddAsync(lost[0], CancellationToken.None)),
                Audited(() => host.Certificates.AddAsync(lost[1], CancellationToken.None)),
                Audited(() => host.Tokens.RedeemAsync(token.Token.Id, lost[2], RedeemedAt, CancellationToken.None)),
            ];
            await WaitUntilAsync(() => host.Db.AuditedWrites.Queued == batch.Length);
            await held.LetGoAsync();
        }

        Assert.NotNull(await blocked);
        foreach (var write in batch)
        {
            Assert.Contains("boom", (await Assert.ThrowsAsync<PostgresException>(() => write)).MessageText, StringComparison.Ordinal);
        }

        foreach (var certificate in lost)
        {
            Assert.Null(await host.Certificates.GetAsync(certificate.Id, CancellationToken.None));
        }

        Assert.Equal(RequestTokenState.Unused, (await host.Tokens.GetAsync(token.Token.Id, CancellationToken.None))?.State);
        Assert.Equal(2, (await AssertChainAsync(host.Db)).Count);
    }

    [Fact]
    public async Task A_batch_whose_connection_is_terminated_fails_every_write_and_keeps_none()
    {
        var (host, _) = await TwoHostsAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var first = ConformanceRecords.Certificate(authority);
        var queued = Enumerable.Range(0, 3).Select(_ => ConformanceRecords.Certificate(authority)).ToArray();
        await using (var held = await HoldAuditLockAsync(host.Db))
        {
            var blocked = Audited(() => host.Certificates.AddAsync(first, CancellationToken.None));
            int firstBackend = await WaitForLockWaiterAsync();
            var batch = queued.Select(c => Audited(() => host.Certificates.AddAsync(c, CancellationToken.None))).ToArray();
            await WaitUntilAsync(() => host.Db.AuditedWrites.Queued == batch.Length);
            await TerminateAsync(firstBackend);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => blocked);

            // The next batch, the three writes that queued meanwhile, waits for the lock in turn and loses its connection.
            await TerminateAsync(await WaitForLockWaiterAsync(firstBackend));
            foreach (var write in batch)
            {
                await Assert.ThrowsAnyAsync<NpgsqlException>(() => write);
            }

            await held.LetGoAsync();
        }

        foreach (var certificate in queued.Prepend(first))
        {
            Assert.Null(await host.Certificates.GetAsync(certificate.Id, CancellationToken.None));
        }

        Assert.Empty(await AssertChainAsync(host.Db));
        Assert.NotNull(await Audited(() => host.Certificates.AddAsync(ConformanceRecords.Certificate(authority), CancellationToken.None)));
    }

    [Theory]
    [InlineData(false)] // pg_cancel_backend (57014, as statement_timeout): the statement ends, the session lives on
    [InlineData(true)] // pg_terminate_backend (57P01): the session ends
    public async Task A_statement_cancelled_mid_batch_fails_its_write_alone_and_a_lost_session_fails_the_batch(bool terminate)
    {
        var (host, _) = await TwoHostsAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var token = ConformanceTokens.Token(authority);
        await host.Tokens.AddAsync(token, CancellationToken.None);
        var before = ConformanceRecords.Certificate(authority);
        var after = ConformanceRecords.Certificate(authority);

        // Another session holds the token's row, so that the redemption's statement waits inside the batch.
        await using var rowHolder = await fixture.DataSource.OpenConnectionAsync();
        await using (var lockRow = new NpgsqlCommand($"BEGIN; SELECT 1 FROM \"{host.Db.Schema}\".pki_request_tokens WHERE id = @id FOR UPDATE", rowHolder))
        {
            lockRow.Parameters.AddWithValue("id", token.Token.Id);
            await lockRow.ExecuteNonQueryAsync();
        }

        Task<AuditEvent?> first, a, redeem, b;
        await using (var held = await HoldAuditLockAsync(host.Db))
        {
            first = Audited(() => host.Certificates.AddAsync(ConformanceRecords.Certificate(authority), CancellationToken.None));
            await WaitForLockWaiterAsync();
            a = await QueuedAsync(host.Db, () => host.Certificates.AddAsync(before, CancellationToken.None));
            redeem = await QueuedAsync(host.Db, () => host.Tokens.RedeemAsync(token.Token.Id, ConformanceTokens.Certificate(authority), RedeemedAt, CancellationToken.None));
            b = await QueuedAsync(host.Db, () => host.Certificates.AddAsync(after, CancellationToken.None));
            await held.LetGoAsync();
        }

        await first;
        int pid = 0;
        await WaitUntilAsync(async () =>
        {
            await using var find = fixture.DataSource.CreateCommand(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple') LIMIT 1");
            pid = (int?)await find.ExecuteScalarAsync() ?? 0;
            return pid != 0;
        });
        await using (var stop = fixture.DataSource.CreateCommand(terminate ? "SELECT pg_terminate_backend(@pid)" : "SELECT pg_cancel_backend(@pid)"))
        {
            stop.Parameters.AddWithValue("pid", pid);
            await stop.ExecuteScalarAsync();
        }

        var redeemError = await Assert.ThrowsAnyAsync<NpgsqlException>(() => redeem);
        Assert.Equal(terminate ? "57P01" : "57014", Assert.IsType<PostgresException>(redeemError).SqlState);
        if (terminate)
        {
            // The session is gone: nothing of the batch is kept, and every write learns why (not an InvalidOperationException
            // from rolling back to a savepoint on a dead connection).
            Assert.Equal("57P01", Assert.IsType<PostgresException>(await Assert.ThrowsAnyAsync<NpgsqlException>(() => a)).SqlState);
            Assert.Equal("57P01", Assert.IsType<PostgresException>(await Assert.ThrowsAnyAsync<NpgsqlException>(() => b)).SqlState);
        }
        else
        {
            Assert.NotNull(await a);
            Assert.NotNull(await b);
        }

        await using (var rollback = new NpgsqlCommand("ROLLBACK", rowHolder))
        {
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal(!terminate, await host.Certificates.GetAsync(before.Id, CancellationToken.None) is not null);
        Assert.Equal(!terminate, await host.Certificates.GetAsync(after.Id, CancellationToken.None) is not null);
        await AssertChainAsync(host.Db);
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_is_dropped_from_its_batch()
    {
        var (host, _) = await TwoHostsAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var cancelled = ConformanceRecords.Certificate(authority);
        var kept = ConformanceRecords.Certificate(authority);
        using var cancellation = new CancellationTokenSource();
        Task<AuditEvent?>[] writes;
        await using (var held = await HoldAuditLockAsync(host.Db))
        {
            var blocked = Audited(() => host.Certificates.AddAsync(ConformanceRecords.Certificate(authority), CancellationToken.None));
            await WaitForLockWaiterAsync();
            writes = [blocked, Audited(() => host.Certificates.AddAsync(cancelled, cancellation.Token)), Audited(() => host.Certificates.AddAsync(kept, CancellationToken.None))];
            await WaitUntilAsync(() => host.Db.AuditedWrites.Queued == 2);
            await cancellation.CancelAsync();
            await held.LetGoAsync();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writes[1]);
        Assert.NotNull(await writes[0]);
        Assert.NotNull(await writes[2]);
        Assert.Null(await host.Certificates.GetAsync(cancelled.Id, CancellationToken.None));
        Assert.Equal(2, (await AssertChainAsync(host.Db)).Count);
    }

    [Fact]
    public async Task Eight_callers_on_each_of_two_hosts_share_commits_and_keep_one_intact_chain()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var first = new PkiHost(connectionString);
        await using var second = new PkiHost(connectionString);
        var ca = await first.CreateIssuingCaAsync("Grouped");
        var tokens = new List<string>();
        for (int i = 0; i < 32; i++)
        {
            tokens.Add((await first.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device", Authority = CaReference.ById(ca.Id), CommonName = "device-" + i, ValidityDays = 30 })).Secret);
        }

        var request = new SignCsrRequest { Authority = CaReference.ById(ca.Id), CsrPem = PkiHost.NewCsr("grouped.example.com"), Profile = CertificateProfiles.Client, ValidityDays = 30 };
        var groupCommits = new[] { first, second }.Select(h => h.Get<PostgreSqlDatabase>().AuditedWrites).ToArray();
        var before = groupCommits.Select(g => (g.Commits, g.CommittedWrites)).ToArray();

        // Eight callers per host: each signs eight CSRs and redeems two tokens.
        var issued = await Task.WhenAll(Enumerable.Range(0, 16).Select(caller => Task.Run(async () =>
        {
            var host = caller % 2 == 0 ? first : second;
            var ids = new List<string>();
            for (int i = 0; i < 10; i++)
            {
                ids.Add(i < 8
                    ? (await host.Get<ICsrSigner>().SignAsync(request)).Record.Id
                    : (await host.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = tokens[(caller * 2) + i - 8], Csr = CsrInput.FromPem(PkiHost.NewCsr("device-" + ((caller * 2) + i - 8))) })).Record.Id);
            }

            return ids;
        })));

        long writes = groupCommits.Select((g, i) => g.CommittedWrites - before[i].CommittedWrites).Sum();
        long commits = groupCommits.Select((g, i) => g.Commits - before[i].Commits).Sum();
        Assert.Equal(160, writes);
        Assert.True(commits < writes, $"{writes} writes took {commits} commits: no batch carried more than one.");
        var events = await first.Audit.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync();
        var certificateEvents = events.Where(e => e.Action is "certificate.sign-csr" or "token.redeem").Select(e => e.ObjectId!).Order(StringComparer.Ordinal);
        Assert.Equal(issued.SelectMany(ids => ids).Order(StringComparer.Ordinal), certificateEvents);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.True((await second.Audit.VerifyAsync()).IsIntact);
    }

    /// <summary>Runs <paramref name="write"/> as an audited operation (with its pending event) and returns the event it wrote.</summary>
    private static Task<AuditEvent?> Audited(Func<ValueTask> write) => Task.Run(async () =>
    {
        using var pending = PendingAuditEvent.Begin(AuditObjectTypes.Certificate, (id, _) => last => ConformanceRecords.ChainedEvent(last, id, "group-commit"));
        await write();
        return pending.WrittenEvent;
    });

    /// <summary>Starts <paramref name="write"/> as <see cref="Audited"/> does and waits until it queues on <paramref name="db"/>'s group commit.</summary>
    private static async Task<Task<AuditEvent?>> QueuedAsync(PostgreSqlDatabase db, Func<ValueTask> write)
    {
        int queued = db.AuditedWrites.Queued;
        var task = Audited(write);
        await WaitUntilAsync(() => db.AuditedWrites.Queued == queued + 1);
        return task;
    }

    /// <summary>Two hosts over one new schema, each with its own pool.</summary>
    private async Task<(Host Host, Host Other)> TwoHostsAsync()
    {
        var db = await fixture.NewSchemaAsync();
        var other = new PostgreSqlDatabase(NpgsqlDataSource.Create(fixture.ConnectionString), db.Schema, ownsDataSource: true);
        return (new Host(db), new Host(other));
    }

    /// <summary>Reads the whole log and checks it is gap-free and linked (each event's PreviousHash is the one before's Hash).</summary>
    private static async Task<List<AuditEvent>> AssertChainAsync(PostgreSqlDatabase db)
    {
        var events = await new PostgreSqlAuditStore(db).QueryAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None).ToListAsync();
        for (int i = 0; i < events.Count; i++)
        {
            Assert.Equal(i + 1, events[i].Sequence);
            Assert.Equal(i == 0 ? new string('0', 64) : events[i - 1].Hash, events[i].PreviousHash);
        }

        return events;
    }

    /// <summary>Takes the audit log's lock of <paramref name="db"/>'s schema in a transaction of the test's own.</summary>
    private async Task<HeldLock> HoldAuditLockAsync(PostgreSqlDatabase db)
    {
        var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var take = new NpgsqlCommand("BEGIN; SELECT pg_advisory_xact_lock(hashtext('pki_audit_events:' || @schema))", connection);
        take.Parameters.AddWithValue("schema", db.Schema!);
        await take.ExecuteNonQueryAsync();
        return new HeldLock(connection);
    }

    /// <summary>Waits until exactly one backend other than <paramref name="except"/> waits for an advisory lock; returns its process id.</summary>
    private async Task<int> WaitForLockWaiterAsync(params int[] except)
    {
        var waiting = new List<int>();
        await WaitUntilAsync(async () =>
        {
            await using var command = fixture.DataSource.CreateCommand(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND NOT pid = ANY(@except)");
            command.Parameters.AddWithValue("except", except);
            await using var reader = await command.ExecuteReaderAsync();
            waiting.Clear();
            while (await reader.ReadAsync())
            {
                waiting.Add(reader.GetInt32(0));
            }

            return waiting.Count == 1;
        });
        return waiting[0];
    }

    private async Task TerminateAsync(int pid)
    {
        await using var terminate = fixture.DataSource.CreateCommand("SELECT pg_terminate_backend(@pid)");
        terminate.Parameters.AddWithValue("pid", pid);
        Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (int attempt = 0; !await condition(); attempt++)
        {
            Assert.True(attempt < 1000, "The condition did not come true within 20 s.");
            await Task.Delay(20);
        }
    }

    private sealed class Host(PostgreSqlDatabase db)
    {
        public PostgreSqlDatabase Db { get; } = db;

        public PostgreSqlCertificateStore Certificates { get; } = new(db);

        public PostgreSqlRequestTokenStore Tokens { get; } = new(db);
    }

    private sealed class HeldLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async Task LetGoAsync()
        {
            await using var commit = new NpgsqlCommand("COMMIT", connection);
            await commit.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
