using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// Bounds every store applies alike: the length of the CA ids CRL numbers, CRLs and responders are keyed on
/// (<see cref="StoreInputRules.MaximumIndexedLength"/>), and references to records no store holds.
/// </summary>
public abstract partial class RevocationStoreConformance
{
    [Theory]
    [InlineData(HostileText.IndexedBound + 1)]
    [InlineData(1_000)]
    public async Task CA_ids_over_the_bound_are_refused_on_keyed_writes_and_find_nothing(int length)
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);
        string tooLong = HostileText.LongText(length);

        await HostileText.AssertRefusedAsync(async () => await revocation.NextCrlNumberAsync(tooLong, NoCancellation), "authorityId");
        await HostileText.AssertRefusedAsync(
            async () => await revocation.SaveCrlAsync(SampleCrl(tooLong, 1, ConformanceRecords.BaseTime.AddDays(7)), NoCancellation), nameof(CertificateRevocationList.AuthorityId));
        await HostileText.AssertRefusedAsync(
            async () => await revocation.SetOcspResponderAsync(new OcspResponderRecord(tooLong, record.Id, "key", "PEM", ConformanceRecords.BaseTime.AddDays(30)), NoCancellation),
            nameof(OcspResponderRecord.AuthorityId));

        Assert.Null(await revocation.GetLatestCrlAsync(tooLong, delta: false, NoCancellation));
        Assert.Null(await revocation.GetOcspResponderAsync(tooLong, NoCancellation));
        Assert.Empty(await ReadAsync(revocation.ListEntriesAsync(new RevocationEntryQuery { AuthorityId = tooLong }, NoCancellation)));
        Assert.Equal(1, await revocation.NextCrlNumberAsync(record.CertificateAuthority.Id, NoCancellation));
    }

    [Fact]
    public async Task CA_ids_at_the_bound_are_kept_and_found()
    {
        var (_, revocation) = await NewStoresAsync();
        string authority = HostileText.LongText(HostileText.IndexedBound);

        Assert.Equal(1, await revocation.NextCrlNumberAsync(authority, NoCancellation));
        Assert.Equal(2, await revocation.NextCrlNumberAsync(authority, NoCancellation));
        await revocation.SaveCrlAsync(SampleCrl(authority, 2, ConformanceRecords.BaseTime.AddDays(7)), NoCancellation);
        var responder = new OcspResponderRecord(authority, ConformanceRecords.NewId(), "key", "PEM", ConformanceRecords.BaseTime.AddDays(30));
        await revocation.SetOcspResponderAsync(responder, NoCancellation);

        Assert.Equal(2, (await revocation.GetLatestCrlAsync(authority, delta: false, NoCancellation))?.Number);
        Assert.Equal(responder, await revocation.GetOcspResponderAsync(authority, NoCancellation));
    }

    [Fact]
    public async Task A_status_change_for_a_certificate_the_store_does_not_hold_is_CertificateNotFound_alike()
    {
        var (certificates, revocation) = await NewStoresAsync();
        var record = Active(ConformanceRecords.NewAuthoritySummary());
        await certificates.AddAsync(record, NoCancellation);

        foreach (string missing in new[] { ConformanceRecords.NewId(), record.Id + HostileText.LongText(1_000) })
        {
            var error = await Assert.ThrowsAsync<PkiException>(
                async () => await revocation.TryChangeStatusAsync(Revoke(record, CertificateStatus.Active) with { CertificateId = missing }, NoCancellation));
            Assert.Equal(PkiErrorCode.CertificateNotFound, error.Code);
        }

        Assert.Equal(record, await certificates.GetAsync(record.Id, NoCancellation));
    }

    [Fact]
    public async Task CRLs_numbers_and_responders_of_CAs_and_certificates_no_store_holds_are_accepted_alike()
    {
        // The revocation tables have no foreign keys: the engine names the CA and the responder certificate it holds.
        var (_, revocation) = await NewStoresAsync();
        string authority = ConformanceRecords.NewId();
        var responder = new OcspResponderRecord(authority, ConformanceRecords.NewId(), "key", "PEM", ConformanceRecords.BaseTime.AddDays(30));

        Assert.Equal(1, await revocation.NextCrlNumberAsync(authority, NoCancellation));
        await revocation.SaveCrlAsync(SampleCrl(authority, 1, ConformanceRecords.BaseTime.AddDays(7)), NoCancellation);
        await revocation.SetOcspResponderAsync(responder, NoCancellation);

        Assert.Equal(1, (await revocation.GetLatestCrlAsync(authority, delta: false, NoCancellation))?.Number);
        Assert.Equal(responder, await revocation.GetOcspResponderAsync(authority, NoCancellation));
    }
}
