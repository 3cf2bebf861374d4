using System.Collections.Concurrent;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// The guarantees every <see cref="IRevocationStore"/> makes, together with the <see cref="ICertificateStore"/> it
/// shares records with: atomic compare-and-set transitions, CRL numbers that only increase per CA (also under
/// concurrency), entry listing per CA, and no half-written state.
/// </summary>
public abstract partial class RevocationStoreConformance : StoreConformanceBase
{
    /// <summary>Creates a fresh, empty pair of stores over the same data.</summary>
    protected abstract ValueTask<(ICertificateStore Certificates, IRevocationStore Revocation)> CreateStoresAsync();

    private async Task<(ICertificateStore Certificates, IRevocationStore Revocation)> NewStoresAsync()
    {
        var stores = await CreateStoresAsync();
        Track(stores.Certificates);
        if (!ReferenceEquals(stores.Certificates, stores.Revocation))
        {
            Track(stores.Revocation);
        }

        return stores;
    }

    private static CertificateRecord Active(AuthoritySummary authority) =>
        ConformanceRecords.Certificate(authority) with { Status = CertificateStatus.Active, RevokedAt = null };

    private static CertificateStatusChange Revoke(CertificateRecord record, CertificateStatus expected, CertificateStatus next = CertificateStatus.Revoked) => new()
    {
        CertificateId = record.Id,
        ExpectedStatus = expected,
        NewStatus = next,
        Reason = RevocationReason.KeyCompromise,
        RevokedAt = ConformanceRecords.BaseTime.AddDays(1),
        InvalidityDate = ConformanceRecords.BaseTime.AddHours(20),
        Comment = "stolen",
        ChangedAt = ConformanceRecords.BaseTime.AddDays(1),
    };

    [Fact]
    public async Task A_transition_applies_every_field_and_is_visible_through_the_certificate_store()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = Active(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);

        var updated = await revocation.TryChangeStatusAsync(Revoke(record, CertificateStatus.Active), NoCancellation);

        Assert.NotNull(updated);
        var loaded = await certificates.GetAsync(record.Id, NoCancellation);
        Assert.NotNull(loaded);
        foreach (var r in new[] { updated, loaded })
        {
            Assert.Equal(CertificateStatus.Revoked, r.Status);
            Assert.Equal(RevocationReason.KeyCompromise, r.RevocationReason);
            Assert.Equal(ConformanceRecords.BaseTime.AddDays(1), r.RevokedAt);
            Assert.Equal(ConformanceRecords.BaseTime.AddHours(20), r.InvalidityDate);
            Assert.Equal("stolen", r.RevocationComment);
            Assert.Equal(ConformanceRecords.BaseTime.AddDays(1), r.StatusChangedAt);
            Assert.Equal(record.SerialNumber, r.SerialNumber);
            Assert.Equal(record.CertificatePem, r.CertificatePem);
        }
    }

    [Fact]
    public async Task A_transition_from_a_status_the_certificate_no_longer_has_changes_nothing()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = Active(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);

        Assert.Null(await revocation.TryChangeStatusAsync(Revoke(record, CertificateStatus.OnHold), NoCancellation));

        var loaded = await certificates.GetAsync(record.Id, NoCancellation);
        Assert.Equal(CertificateStatus.Active, loaded!.Status);
        Assert.Null(loaded.RevocationReason);
        Assert.Null(loaded.StatusChangedAt);
    }

    [Fact]
    public async Task A_transition_of_an_unknown_certificate_is_CertificateNotFound()
    {
        var (_, revocation) = await NewStoresAsync();
        var ex = await Assert.ThrowsAsync<PkiException>(() =>
            revocation.TryChangeStatusAsync(Revoke(Active(ConformanceRecords.NewAuthoritySummary()), CertificateStatus.Active), NoCancellation).AsTask());
        Assert.Equal(PkiErrorCode.CertificateNotFound, ex.Code);
    }

    [Fact]
    public async Task Concurrent_transitions_from_the_same_status_let_exactly_one_win()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = Active(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            await revocation.TryChangeStatusAsync(Revoke(record, CertificateStatus.Active, i % 2 == 0 ? CertificateStatus.Revoked : CertificateStatus.OnHold), NoCancellation))));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner!.Status, (await certificates.GetAsync(record.Id, NoCancellation))!.Status);
    }

    [Fact]
    public async Task Entries_list_the_non_active_certificates_of_one_CA_only_and_changes_after_a_sequence_number()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var other = ConformanceRecords.NewAuthoritySummary();
        var revoked = Active(authority);
        var reactivated = Active(authority);
        var untouched = Active(authority);
        var foreign = Active(other);
        foreach (var r in new[] { revoked, reactivated, untouched, foreign })
        {
            await certificates.AddAsync(r, NoCancellation);
        }

        Assert.Equal(0, await revocation.GetLastChangeSequenceAsync(authority.Id, NoCancellation));
        await revocation.TryChangeStatusAsync(Revoke(revoked, CertificateStatus.Active), NoCancellation);
        await revocation.TryChangeStatusAsync(Revoke(foreign, CertificateStatus.Active), NoCancellation);
        await revocation.TryChangeStatusAsync(Revoke(reactivated, CertificateStatus.Active, CertificateStatus.OnHold), NoCancellation);
        Assert.Null(await revocation.TryChangeStatusAsync(Revoke(revoked, CertificateStatus.Active), NoCancellation)); // lost compare-and-set
        Assert.Equal(2, await revocation.GetLastChangeSequenceAsync(authority.Id, NoCancellation));
        await revocation.TryChangeStatusAsync(new CertificateStatusChange
        {
            CertificateId = reactivated.Id,
            ExpectedStatus = CertificateStatus.OnHold,
            NewStatus = CertificateStatus.Active,
            ChangedAt = ConformanceRecords.BaseTime.AddDays(-30), // a host whose clock is behind: the number still counts
        }, NoCancellation);

        var current = await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority.Id }, NoCancellation));
        var entry = Assert.Single(current);
        Assert.Equal(revoked.Id, entry.CertificateId);
        Assert.Equal(revoked.SerialNumber, entry.SerialNumber);
        Assert.Equal(RevocationReason.KeyCompromise, entry.Reason);
        Assert.Equal(revoked.ExpiresOn, entry.ExpiresOn);
        Assert.Equal(1, entry.ChangeSequence);

        Assert.Equal(3, await revocation.GetLastChangeSequenceAsync(authority.Id, NoCancellation));
        Assert.Equal(1, await revocation.GetLastChangeSequenceAsync(other.Id, NoCancellation));
        var after = await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority.Id, ChangedAfter = 2 }, NoCancellation));
        var change = Assert.Single(after);
        Assert.Equal(reactivated.Id, change.CertificateId);
        Assert.Equal(CertificateStatus.Active, change.Status);
        Assert.Equal(3, change.ChangeSequence);

        var all = await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority.Id, ChangedAfter = 0 }, NoCancellation));
        Assert.Equal(SortedOrdinal([revoked.Id, reactivated.Id]), SortedOrdinal(all.Select(e => e.CertificateId)));
        Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority.Id, ChangedAfter = 3 }, NoCancellation)));
    }

    [Fact]
    public async Task Status_change_numbers_are_unique_per_CA_and_visible_in_order_under_concurrency()
    {
        // A reader that takes the CA's last number and then lists the entries must find every change numbered up to it:
        // a store that gave numbers and made them visible in different orders (a plain database sequence) would let a
        // delta CRL skip a revocation for good.
        var (certificates, revocation) = await NewStoresAsync();
        var authority = ConformanceRecords.NewAuthoritySummary();
        var records = Enumerable.Range(0, 48).Select(_ => Active(authority)).ToList();
        foreach (var record in records)
        {
            await certificates.AddAsync(record, NoCancellation);
        }

        var observations = new ConcurrentBag<(long Last, HashSet<string> Listed)>();
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            do
            {
                long last = await revocation.GetLastChangeSequenceAsync(authority.Id, NoCancellation);
                var listed = await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority.Id, ChangedAfter = 0 }, NoCancellation));
                observations.Add((last, listed.Select(e => e.CertificateId).ToHashSet(StringComparer.Ordinal)));
            }
            while (!done.IsCancellationRequested);
        })).ToList();
        await Task.WhenAll(records.Select(record => Task.Run(async () =>
            Assert.NotNull(await revocation.TryChangeStatusAsync(Revoke(record, CertificateStatus.Active), NoCancellation)))));
        done.Cancel();
        await Task.WhenAll(readers);

        var final = await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority.Id, ChangedAfter = 0 }, NoCancellation));
        Assert.Equal(records.Count, final.Select(e => e.ChangeSequence).Distinct().Count());
        Assert.Equal(final.Max(e => e.ChangeSequence), await revocation.GetLastChangeSequenceAsync(authority.Id, NoCancellation));
        Assert.NotEmpty(observations);
        foreach (var (last, listed) in observations)
        {
            var missing = final.Where(e => e.ChangeSequence <= last && !listed.Contains(e.CertificateId)).Select(e => e.ChangeSequence).ToList();
            Assert.True(missing.Count == 0, $"Read last = {last}, then listed without the changes numbered {string.Join(", ", missing)}.");
        }
    }

    [Fact]
    public async Task CRL_numbers_start_at_1_and_strictly_increase_per_CA_under_concurrency()
    {
        var (_, revocation) = await NewStoresAsync();
        string a = ConformanceRecords.NewId();
        string b = ConformanceRecords.NewId();
        Assert.Equal(1, await revocation.NextCrlNumberAsync(a, NoCancellation));
        Assert.Equal(1, await revocation.NextCrlNumberAsync(b, NoCancellation));

        var taken = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                taken.Add(await revocation.NextCrlNumberAsync(a, NoCancellation));
            }
        })));

        Assert.Equal(400, taken.Distinct().Count());
        Assert.True(taken.Min() > 1);
        Assert.True(await revocation.NextCrlNumberAsync(a, NoCancellation) > taken.Max());
        Assert.Equal(2, await revocation.NextCrlNumberAsync(b, NoCancellation));
    }

    [Fact]
    public async Task The_last_CRL_number_is_the_last_one_handed_out_per_CA()
    {
        var (_, revocation) = await NewStoresAsync();
        string a = ConformanceRecords.NewId();
        string b = ConformanceRecords.NewId();
        Assert.Equal(0, await revocation.GetLastCrlNumberAsync(a, NoCancellation));

        long first = await revocation.NextCrlNumberAsync(a, NoCancellation);
        Assert.Equal(first, await revocation.GetLastCrlNumberAsync(a, NoCancellation));
        long second = await revocation.NextCrlNumberAsync(a, NoCancellation);
        Assert.Equal(second, await revocation.GetLastCrlNumberAsync(a, NoCancellation));
        Assert.Equal(0, await revocation.GetLastCrlNumberAsync(b, NoCancellation));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await revocation.GetLastCrlNumberAsync(null!, NoCancellation));
    }

    [Fact]
    public async Task GetLatestCrl_of_a_null_CA_throws_ArgumentNullException()
    {
        var (_, revocation) = await NewStoresAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await revocation.GetLatestCrlAsync(null!, delta: false, NoCancellation));
    }

    [Fact]
    public async Task The_latest_CRL_is_kept_per_CA_and_kind_and_never_replaced_by_a_lower_number()
    {
        var (_, revocation) = await NewStoresAsync();
        string authority = ConformanceRecords.NewId();
        CertificateRevocationList Crl(long number, long? baseNumber) => new()
        {
            AuthorityId = authority,
            Number = number,
            BaseCrlNumber = baseNumber,
            ThisUpdate = ConformanceRecords.BaseTime,
            NextUpdate = ConformanceRecords.BaseTime.AddDays(7),
            CreatedAt = ConformanceRecords.BaseTime,
            EntryCount = 0,
            Der = new byte[] { 0x30, 0x00 },
        };

        Assert.Null(await revocation.GetLatestCrlAsync(authority, delta: false, NoCancellation));
        await revocation.SaveCrlAsync(Crl(5, null), NoCancellation);
        await revocation.SaveCrlAsync(Crl(3, null), NoCancellation);
        await revocation.SaveCrlAsync(Crl(6, 5), NoCancellation);

        Assert.Equal(5, (await revocation.GetLatestCrlAsync(authority, delta: false, NoCancellation))!.Number);
        var delta = await revocation.GetLatestCrlAsync(authority, delta: true, NoCancellation);
        Assert.Equal(6, delta!.Number);
        Assert.Equal(5, delta.BaseCrlNumber);
        Assert.Equal(new byte[] { 0x30, 0x00 }, delta.Der.ToArray());
        Assert.Null(await revocation.GetLatestCrlAsync(ConformanceRecords.NewId(), delta: false, NoCancellation));
    }

    [Fact]
    public async Task The_OCSP_responder_of_a_CA_round_trips_and_is_replaced()
    {
        var (_, revocation) = await NewStoresAsync();
        string authority = ConformanceRecords.NewId();
        var first = new OcspResponderRecord(authority, ConformanceRecords.NewId(), "key-1", "PEM1", ConformanceRecords.BaseTime.AddDays(30));
        var second = first with { CertificateId = ConformanceRecords.NewId(), KeyId = "key-2", CertificatePem = "PEM2" };

        Assert.Null(await revocation.GetOcspResponderAsync(authority, NoCancellation));
        await revocation.SetOcspResponderAsync(first, NoCancellation);
        Assert.Equal(first, await revocation.GetOcspResponderAsync(authority, NoCancellation));
        await revocation.SetOcspResponderAsync(second, NoCancellation);
        Assert.Equal(second, await revocation.GetOcspResponderAsync(authority, NoCancellation));
    }
}
