using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>Bounds every store applies alike: the length of indexed text (<see cref="StoreInputRules.MaximumIndexedLength"/>), and records that name other records.</summary>
public abstract partial class CertificateStoreConformance
{
    /// <summary>Every indexed text member of <see cref="CertificateRecord"/>, with a length just over the bound and one far over PostgreSQL's index limit.</summary>
    public static TheoryData<string, int> IndexedTextMembers()
    {
        var data = new TheoryData<string, int>();
        foreach (string member in new[] { nameof(CertificateRecord.Id), "CertificateAuthority.Id", nameof(CertificateRecord.OwnerOrganization), nameof(CertificateRecord.FingerprintSha256), nameof(CertificateRecord.PrivateKeyId) })
        {
            data.Add(member, HostileText.IndexedBound + 1);
            data.Add(member, 1_000);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IndexedTextMembers))]
    public async Task Add_refuses_indexed_text_over_the_bound_with_InvalidRequest_naming_the_member_and_stores_nothing(string member, int length)
    {
        var store = await NewStoreAsync();
        var hostile = WithText(ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()), member, HostileText.LongText(length));

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(hostile, NoCancellation), member);

        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = 10 }, NoCancellation)));
    }

    [Theory]
    [InlineData("CertificateAuthority.Id")]
    [InlineData(nameof(CertificateRecord.OwnerOrganization))]
    public async Task Add_refuses_an_id_and_the_member_indexed_with_it_over_the_bound_together(string member)
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        var hostile = WithText(record, member, HostileText.LongText(HostileText.IndexedBound - record.Id.Length + 1));

        await HostileText.AssertRefusedAsync(async () => await store.AddAsync(hostile, NoCancellation), member + " and Id");

        Assert.Empty(await ReadAsync(store.QueryAsync(new CertificateQuery { Limit = 10 }, NoCancellation)));
    }

    [Fact]
    public async Task Indexed_text_at_the_bound_round_trips_and_is_found()
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        int beside = HostileText.IndexedBound - record.Id.Length;
        record = record with
        {
            CertificateAuthority = record.CertificateAuthority with { Id = HostileText.LongText(beside, 2) },
            OwnerOrganization = HostileText.LongText(beside, 3),
            FingerprintSha256 = HostileText.LongText(HostileText.IndexedBound, 4),
            PrivateKeyId = HostileText.LongText(HostileText.IndexedBound, 5),
        };

        await store.AddAsync(record, NoCancellation);

        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
        AssertSameRecord(record, await store.FindBySerialNumberAsync(record.CertificateAuthority.Id, record.SerialNumber, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { AuthorityId = record.CertificateAuthority.Id, Organization = record.OwnerOrganization }, [record.Id]);
        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = record.FingerprintSha256 }, [record.Id]);
    }

    [Fact]
    public async Task Lookups_and_filters_with_text_over_the_bound_find_nothing()
    {
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());
        await store.AddAsync(record, NoCancellation);
        string tooLong = HostileText.LongText(1_000);

        Assert.Null(await store.GetAsync(record.Id + tooLong, NoCancellation));
        Assert.Null(await store.FindBySerialNumberAsync(record.CertificateAuthority.Id + tooLong, record.SerialNumber, NoCancellation));
        await AssertQueryIdsAsync(store, new CertificateQuery { AuthorityId = record.CertificateAuthority.Id + tooLong }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { Organization = record.OwnerOrganization + tooLong }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { FingerprintSha256 = record.FingerprintSha256 + tooLong }, []);
        await AssertQueryIdsAsync(store, new CertificateQuery { After = tooLong }, []);
    }

    [Fact]
    public async Task A_certificate_naming_a_CA_token_and_key_no_store_holds_is_accepted_alike()
    {
        // The certificate store keeps no reference to the authority, token or key stores (no foreign keys): the engine
        // links them; a certificate whose CA, token or escrowed key is unknown is stored as given by every store.
        var store = await NewStoreAsync();
        var record = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary()) with
        {
            TokenId = ConformanceRecords.NewId(),
            PrivateKeyId = ConformanceRecords.NewId(),
        };

        await store.AddAsync(record, NoCancellation);

        AssertSameRecord(record, await store.GetAsync(record.Id, NoCancellation));
    }
}
