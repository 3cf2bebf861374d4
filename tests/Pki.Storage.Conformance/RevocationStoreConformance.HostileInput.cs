using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Hostile input: text no store can hold in transitions, CRLs and responders; extreme purge bounds.</summary>
public abstract partial class RevocationStoreConformance
{
    /// <summary>The kinds of <see cref="HostileText.UnstorableKinds"/>.</summary>
    public static TheoryData<string> HostileRevocationKinds() => HostileText.Kinds();

    private static CertificateRevocationList SampleCrl(string authorityId, long number, DateTimeOffset nextUpdate) => new()
    {
        AuthorityId = authorityId,
        Number = number,
        ThisUpdate = ConformanceRecords.BaseTime,
        NextUpdate = nextUpdate,
        CreatedAt = ConformanceRecords.BaseTime,
        EntryCount = 0,
        Der = new byte[] { 0x30, 0x00 },
    };

    [Theory]
    [MemberData(nameof(HostileRevocationKinds))]
    public async Task A_transition_with_text_no_store_can_hold_is_refused_with_InvalidRequest_and_changes_nothing(string kind)
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = Active(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);
        var change = Revoke(record, CertificateStatus.Active);

        await HostileText.AssertRefusedAsync(
            async () => await revocation.TryChangeStatusAsync(change with { Comment = HostileText.Unstorable(kind, "stolen") }, NoCancellation),
            nameof(CertificateStatusChange.Comment));
        await HostileText.AssertRefusedAsync(
            async () => await revocation.TryChangeStatusAsync(change with { CertificateId = HostileText.Unstorable(kind, record.Id) }, NoCancellation),
            nameof(CertificateStatusChange.CertificateId));

        Assert.Equal(record, await certificates.GetAsync(record.Id, NoCancellation));
    }

    [Fact]
    public async Task A_transition_with_undefined_enum_values_is_refused_with_InvalidRequest_and_changes_nothing()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = Active(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);
        var change = Revoke(record, CertificateStatus.Active);

        foreach (int value in new[] { -1, 99, short.MaxValue + 1, int.MaxValue })
        {
            await HostileText.AssertRefusedAsync(
                async () => await revocation.TryChangeStatusAsync(change with { NewStatus = (CertificateStatus)value }, NoCancellation), nameof(CertificateStatusChange.NewStatus));
            await HostileText.AssertRefusedAsync(
                async () => await revocation.TryChangeStatusAsync(change with { ExpectedStatus = (CertificateStatus)value }, NoCancellation), nameof(CertificateStatusChange.ExpectedStatus));
            await HostileText.AssertRefusedAsync(
                async () => await revocation.TryChangeStatusAsync(change with { Reason = (RevocationReason)value }, NoCancellation), nameof(CertificateStatusChange.Reason));
        }

        Assert.Equal(record, await certificates.GetAsync(record.Id, NoCancellation));
    }

    [Theory]
    [MemberData(nameof(HostileRevocationKinds))]
    public async Task CRLs_responders_and_entries_with_CA_ids_no_store_can_hold_are_refused_or_find_nothing(string kind)
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);
        string authority = record.CertificateAuthority.Id;
        string hostile = HostileText.Unstorable(kind, authority);
        string decoy = HostileText.AsReplaced(hostile);
        await revocation.SaveCrlAsync(SampleCrl(decoy, 1, ConformanceRecords.BaseTime.AddDays(7)), NoCancellation);
        await revocation.SetOcspResponderAsync(new OcspResponderRecord(decoy, record.Id, "key", "PEM", ConformanceRecords.BaseTime.AddDays(30)), NoCancellation);

        await HostileText.AssertRefusedAsync(async () => await revocation.NextCrlNumberAsync(hostile, NoCancellation), "authorityId");
        await HostileText.AssertRefusedAsync(
            async () => await revocation.SaveCrlAsync(SampleCrl(hostile, 1, ConformanceRecords.BaseTime.AddDays(7)), NoCancellation), nameof(CertificateRevocationList.AuthorityId));
        var responder = new OcspResponderRecord(authority, record.Id, "key", "PEM", ConformanceRecords.BaseTime.AddDays(30));
        await HostileText.AssertRefusedAsync(async () => await revocation.SetOcspResponderAsync(responder with { AuthorityId = hostile }, NoCancellation), nameof(OcspResponderRecord.AuthorityId));
        await HostileText.AssertRefusedAsync(async () => await revocation.SetOcspResponderAsync(responder with { CertificateId = hostile }, NoCancellation), nameof(OcspResponderRecord.CertificateId));
        await HostileText.AssertRefusedAsync(async () => await revocation.SetOcspResponderAsync(responder with { KeyId = hostile }, NoCancellation), nameof(OcspResponderRecord.KeyId));
        await HostileText.AssertRefusedAsync(async () => await revocation.SetOcspResponderAsync(responder with { CertificatePem = hostile }, NoCancellation), nameof(OcspResponderRecord.CertificatePem));

        await revocation.NextCrlNumberAsync(decoy, NoCancellation);
        Assert.Equal(0, await revocation.GetLastCrlNumberAsync(hostile, NoCancellation));
        Assert.Null(await revocation.GetLatestCrlAsync(hostile, delta: false, NoCancellation));
        Assert.Null(await revocation.GetOcspResponderAsync(hostile, NoCancellation));
        Assert.Null(await revocation.GetOcspResponderAsync(authority, NoCancellation));
        Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = hostile }, NoCancellation)));
        Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = hostile, ChangedAfter = long.MinValue }, NoCancellation)));
        Assert.Equal(1, (await revocation.GetLatestCrlAsync(decoy, delta: false, NoCancellation))!.Number);
        Assert.Equal(1, await revocation.NextCrlNumberAsync(authority, NoCancellation));
        Assert.Equal(0, await revocation.GetLastChangeSequenceAsync(hostile, NoCancellation));
    }

    [Fact]
    public async Task Entries_with_undefined_statuses_or_extreme_sequence_bounds_behave_like_every_other_store()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with { StatusChangedAt = ConformanceRecords.BaseTime };
        await certificates.AddAsync(record, NoCancellation);
        string authority = record.CertificateAuthority.Id;

        foreach (int value in new[] { -1, 99, short.MaxValue + 1, int.MaxValue })
        {
            Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority, Status = (CertificateStatus)value }, NoCancellation)));
        }

        Assert.Single(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority, ChangedAfter = long.MinValue }, NoCancellation)));
        Assert.Single(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority, ChangedAfter = 0 }, NoCancellation)));
        Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority, ChangedAfter = 1 }, NoCancellation)));
        Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = authority, ChangedAfter = long.MaxValue }, NoCancellation)));
    }

    [Fact]
    public async Task PurgeCrls_with_extreme_bounds_keeps_the_latest_and_refuses_a_limit_below_one()
    {
        var (_, revocation) = await NewStoresAsync();
        string authority = ConformanceRecords.NewId();
        await revocation.SaveCrlAsync(SampleCrl(authority, 1, DateTimeOffset.MinValue), NoCancellation);
        await revocation.SaveCrlAsync(SampleCrl(authority, 2, DateTimeOffset.MaxValue), NoCancellation);

        foreach (int limit in new[] { 0, -1, int.MinValue })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await revocation.PurgeCrlsAsync(DateTimeOffset.MaxValue, limit, NoCancellation));
        }

        Assert.Equal(0, await revocation.PurgeCrlsAsync(DateTimeOffset.MinValue, int.MaxValue, NoCancellation));
        Assert.Equal(1, await revocation.PurgeCrlsAsync(DateTimeOffset.MaxValue, int.MaxValue, NoCancellation));
        var latest = await revocation.GetLatestCrlAsync(authority, delta: false, NoCancellation);
        Assert.Equal(2, latest!.Number);
        Assert.Equal(DateTimeOffset.MaxValue, latest.NextUpdate);
    }
}
