using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// A certificate is stored only while its issuing CA and every CA above it that the provider holds are active, checked in
/// the same atomic step as the insert: once a CA's revocation (or hold) is stored, no certificate of it — issued or
/// redeemed — is stored after it. A CA the provider does not hold is not checked.
/// </summary>
public abstract class IssuerStatusConformance : StoreConformanceBase
{
    /// <summary>Creates fresh, empty stores of one database.</summary>
    protected abstract ValueTask<TidyStores> CreateStoresAsync();

    [Fact]
    public async Task A_certificate_of_an_active_CA_under_active_CAs_is_stored()
    {
        var stores = await CreateAsync();
        var (_, _, issuing) = await HierarchyAsync(stores);

        var certificate = ConformanceRecords.Certificate(issuing.ToSummary());
        await stores.Certificates.AddAsync(certificate, NoCancellation);

        Assert.NotNull(await stores.Certificates.GetAsync(certificate.Id, NoCancellation));
    }

    [Fact]
    public async Task A_certificate_of_a_CA_the_provider_does_not_hold_is_stored()
    {
        var stores = await CreateAsync();
        var certificate = ConformanceRecords.Certificate(ConformanceRecords.NewAuthoritySummary());

        await stores.Certificates.AddAsync(certificate, NoCancellation);

        Assert.NotNull(await stores.Certificates.GetAsync(certificate.Id, NoCancellation));
    }

    [Theory]
    [InlineData(0)] // the issuing CA itself
    [InlineData(1)] // its parent
    [InlineData(2)] // the root
    public async Task A_certificate_below_a_revoked_CA_is_refused_and_nothing_is_stored(int revokedLevel)
    {
        var stores = await CreateAsync();
        var (root, intermediate, issuing) = await HierarchyAsync(stores);
        await SetStatusAsync(stores, revokedLevel switch { 0 => issuing, 1 => intermediate, _ => root }, AuthorityStatus.Revoked);

        var certificate = ConformanceRecords.Certificate(issuing.ToSummary());
        var refused = await Assert.ThrowsAsync<PkiException>(() => stores.Certificates.AddAsync(certificate, NoCancellation).AsTask());

        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
        Assert.Null(await stores.Certificates.GetAsync(certificate.Id, NoCancellation));
        Assert.Null(await stores.Certificates.FindBySerialNumberAsync(issuing.Id, certificate.SerialNumber, NoCancellation));
    }

    [Fact]
    public async Task A_CA_made_active_again_gains_certificates_again()
    {
        var stores = await CreateAsync();
        var (_, _, issuing) = await HierarchyAsync(stores);
        await SetStatusAsync(stores, issuing, AuthorityStatus.Revoked);
        await Assert.ThrowsAsync<PkiException>(() => stores.Certificates.AddAsync(ConformanceRecords.Certificate(issuing.ToSummary()), NoCancellation).AsTask());

        await SetStatusAsync(stores, issuing, AuthorityStatus.Active);
        var certificate = ConformanceRecords.Certificate(issuing.ToSummary());
        await stores.Certificates.AddAsync(certificate, NoCancellation);

        Assert.NotNull(await stores.Certificates.GetAsync(certificate.Id, NoCancellation));
    }

    [Fact]
    public async Task Redeeming_a_token_of_a_revoked_CA_is_refused_and_the_token_stays_unused()
    {
        var stores = await CreateAsync();
        var (_, _, issuing) = await HierarchyAsync(stores);
        var token = ConformanceTokens.Token(issuing.ToSummary());
        await stores.Tokens.AddAsync(token, NoCancellation);
        await SetStatusAsync(stores, issuing, AuthorityStatus.Revoked);

        var certificate = ConformanceTokens.Certificate(issuing.ToSummary());
        var refused = await Assert.ThrowsAsync<PkiException>(() =>
            stores.Tokens.RedeemAsync(token.Token.Id, certificate, ConformanceRecords.BaseTime.AddDays(1), NoCancellation).AsTask());

        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
        Assert.Equal(RequestTokenState.Unused, (await stores.Tokens.GetAsync(token.Token.Id, NoCancellation))!.State);
        Assert.Null(await stores.Certificates.GetAsync(certificate.Id, NoCancellation));
    }

    [Fact]
    public async Task Adds_racing_a_revocation_store_nothing_once_the_revocation_is_stored()
    {
        var stores = await CreateAsync();
        var (_, _, issuing) = await HierarchyAsync(stores);
        var revocationStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Writers keep adding; each notes whether the revocation was already stored when it began. One revokes meanwhile.
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var startedAfterRevocation = new List<CertificateRecord>();
            for (int i = 0; i < 40; i++)
            {
                bool afterRevocation = revocationStored.Task.IsCompleted;
                var certificate = ConformanceRecords.Certificate(issuing.ToSummary());
                try
                {
                    await stores.Certificates.AddAsync(certificate, NoCancellation);
                }
                catch (PkiException ex) when (ex.Code == PkiErrorCode.AuthorityUnavailable)
                {
                    continue;
                }

                if (afterRevocation)
                {
                    startedAfterRevocation.Add(certificate);
                }
            }

            return startedAfterRevocation;
        })).ToList();
        await Task.Delay(1);
        await SetStatusAsync(stores, issuing, AuthorityStatus.Revoked);
        revocationStored.SetResult();

        var storedAfterRevocation = (await Task.WhenAll(writers)).SelectMany(c => c).ToList();
        Assert.Empty(storedAfterRevocation);
        await Assert.ThrowsAsync<PkiException>(() => stores.Certificates.AddAsync(ConformanceRecords.Certificate(issuing.ToSummary()), NoCancellation).AsTask());
    }

    [Fact]
    public async Task An_add_that_meets_an_uncommitted_revocation_waits_for_it_and_is_refused()
    {
        var stores = await CreateAsync();
        var (_, _, issuing) = await HierarchyAsync(stores);
        var certificate = ConformanceRecords.Certificate(issuing.ToSummary());
        Task add;
        await using (var transaction = StoreTransaction.Begin())
        {
            await SetStatusAsync(stores, issuing, AuthorityStatus.Revoked);

            // Another operation's add, begun before the revocation commits. (Whether it reaches the store before or after
            // the commit, it must be refused; the pause only makes "before" likely.)
            add = Outside(() => stores.Certificates.AddAsync(certificate, NoCancellation).AsTask());
            await Task.Delay(50);
            await transaction.CommitAsync(NoCancellation);
        }

        var refused = await Assert.ThrowsAsync<PkiException>(() => add);
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
        Assert.Null(await stores.Certificates.GetAsync(certificate.Id, NoCancellation));
    }

    private async Task<TidyStores> CreateAsync()
    {
        var stores = await CreateStoresAsync();
        Track(stores.Certificates);
        Track(stores.Tokens);
        Track(stores.Revocation);
        Track(stores.Keys);
        Track(stores.Authorities);
        return stores;
    }

    /// <summary>A root, an intermediate under it and an issuing CA under that, all active.</summary>
    private static async Task<(AuthorityRecord Root, AuthorityRecord Intermediate, AuthorityRecord Issuing)> HierarchyAsync(TidyStores stores)
    {
        var key = ConformanceRecords.PrivateKey();
        await stores.Keys.AddAsync(key, NoCancellation);
        var root = ConformanceRecords.Authority() with { KeyId = key.Id, Status = AuthorityStatus.Active };
        var intermediate = ConformanceRecords.Authority(parentId: root.Id) with { KeyId = key.Id, Status = AuthorityStatus.Active };
        var issuing = ConformanceRecords.Authority(parentId: intermediate.Id) with { KeyId = key.Id, Status = AuthorityStatus.Active };
        foreach (var authority in new[] { root, intermediate, issuing })
        {
            await stores.Authorities.AddAsync(authority, NoCancellation);
        }

        return (root, intermediate, issuing);
    }

    private static async Task SetStatusAsync(TidyStores stores, AuthorityRecord authority, AuthorityStatus status)
    {
        var current = await stores.Authorities.GetAsync(authority.Id, NoCancellation);
        await stores.Authorities.UpdateAsync(current! with { Status = status }, NoCancellation);
    }
}
