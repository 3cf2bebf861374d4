using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Pki.Core.Authority;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance;

/// <summary>
/// Issuing (a CSR, or a generated key) reads the issuing CA and each CA above it from the store at most once per
/// <see cref="ActiveAuthorityCache.Lifetime"/>: with a durable store every read is a round trip or a read transaction. The
/// store checks the CAs again when it stores the certificate, so a revocation made elsewhere in between still stops it.
/// </summary>
public sealed class AuthorityReadsTests
{
    [Fact]
    public async Task Signing_again_within_the_lifetime_reads_no_ca()
    {
        var (host, store, _) = CountingHost();
        using var _host = host;
        var (_, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await host.Signer.SignAsync(request);

        store.Reads.Clear();
        await host.Signer.SignAsync(request);

        Assert.Empty(store.Reads);
    }

    [Fact]
    public async Task Signing_again_by_name_within_the_lifetime_reads_no_ca()
    {
        var (host, store, clock) = CountingHost();
        using var _host = host;
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing) with { Authority = CaReference.ByName(issuing.Name) };
        await host.Signer.SignAsync(request);

        store.Reads.Clear();
        await host.Signer.SignAsync(request);
        Assert.Empty(store.Reads);

        clock.Advance(ActiveAuthorityCache.Lifetime);
        await host.Signer.SignAsync(request);
        Assert.Equal(["name:" + issuing.Name, root.Id], store.Reads);
    }

    [Fact]
    public async Task Signing_after_the_lifetime_reads_the_issuing_ca_once_and_its_parent_once()
    {
        var (host, store, clock) = CountingHost();
        using var _host = host;
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await host.Signer.SignAsync(request); // first use builds and caches the CA's signing context

        clock.Advance(ActiveAuthorityCache.Lifetime);
        store.Reads.Clear();
        await host.Signer.SignAsync(request);

        Assert.Equal([issuing.Id, root.Id], store.Reads);
    }

    [Fact]
    public async Task Issuing_with_a_generated_key_after_the_lifetime_reads_the_issuing_ca_once_and_its_parent_once()
    {
        var (host, store, clock) = CountingHost();
        using var _host = host;
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "client-1",
            IncludePrivateKey = false,
        };
        await host.Authority.IssueAsync(request);
        store.Reads.Clear();
        await host.Authority.IssueAsync(request);
        Assert.Empty(store.Reads);

        clock.Advance(ActiveAuthorityCache.Lifetime);
        await host.Authority.IssueAsync(request);

        Assert.Equal([issuing.Id, root.Id], store.Reads);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_ca_revoked_by_another_host_within_the_lifetime_gains_no_certificate_and_is_read_again(bool revokeParent)
    {
        var (host, store, _) = CountingHost();
        using var _host = host;
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await host.Signer.SignAsync(request);
        await SetStatusBehindTheEngineAsync(host, revokeParent ? root.Id : issuing.Id, AuthorityStatus.Revoked);

        // The records this host read a moment ago still say active: the certificate store refuses the certificate.
        var refused = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(request).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
        Assert.Equal(1, await CountCertificatesAsync(host, issuing));

        // That refusal dropped them: the next attempt reads the store and stops before signing.
        store.Reads.Clear();
        var again = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(request).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, again.Code);
        Assert.Contains(revokeParent ? root.Id : issuing.Id, store.Reads);
        Assert.Contains("cannot issue", again.Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountCertificatesAsync(host, issuing));
    }

    [Fact]
    public async Task A_ca_revoked_through_this_host_stops_issuance_before_it_signs()
    {
        var (host, _, _) = CountingHost();
        using var _host = host;
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await host.Signer.SignAsync(request);

        await host.Get<IRevocationService>().RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.BySerialNumber(CaReference.ById(root.Id), issuing.SerialNumber),
            Reason = RevocationReason.CertificateHold,
        });
        var refused = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(request).AsTask());

        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
        Assert.Equal($"CA '{issuing.Name}' is revoked and cannot issue.", refused.Message); // the engine's check, not the store's
    }

    [Fact]
    public async Task A_ca_put_back_into_service_by_another_host_issues_at_once()
    {
        var (host, _, _) = CountingHost();
        using var _host = host;
        var (_, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await SetStatusBehindTheEngineAsync(host, issuing.Id, AuthorityStatus.Revoked);
        await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(request).AsTask());

        await SetStatusBehindTheEngineAsync(host, issuing.Id, AuthorityStatus.Active);
        var issued = await host.Signer.SignAsync(request); // no waiting: a record that is not active is never kept

        Assert.Equal(issuing.Id, issued.Record.CertificateAuthority.Id);
    }

    [Fact]
    public async Task Other_operations_read_the_ca_every_time()
    {
        var (host, store, _) = CountingHost();
        using var _host = host;
        var (_, issuing) = await host.CreateHierarchyAsync();
        await host.Signer.SignAsync(CsrRequest(issuing));

        store.Reads.Clear();
        await host.Authority.GetAsync(CaReference.ById(issuing.Id));
        await host.Authority.GetAsync(CaReference.ById(issuing.Id));

        Assert.Equal([issuing.Id, issuing.Id], store.Reads);
    }

    /// <summary>A host on the fake clock whose authority store counts reads, over the in-memory stores as <c>AddPki()</c> builds them.</summary>
    private static (PkiTestHost Host, CountingAuthorityStore Store, FakeTimeProvider Clock) CountingHost()
    {
        var clock = PkiTestHost.FakeClock();
        var (host, store) = CountingAuthorityStore.Host(clock);
        return (host, store, clock);
    }

    /// <summary>What another host sharing the stores does: changes the record, unseen by this host's engine.</summary>
    private static async Task SetStatusBehindTheEngineAsync(PkiTestHost host, string authorityId, AuthorityStatus status)
    {
        var store = host.Get<IAuthorityStore>();
        var current = await store.GetAsync(authorityId, CancellationToken.None);
        await store.UpdateAsync(current! with { Status = status }, CancellationToken.None);
    }

    private static async Task<int> CountCertificatesAsync(PkiTestHost host, AuthorityRecord issuing)
    {
        int count = 0;
        await foreach (var _ in host.Get<ICertificateStore>().QueryAsync(new CertificateQuery { AuthorityId = issuing.Id }, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    private static SignCsrRequest CsrRequest(AuthorityRecord issuing)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SignCsrRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CsrPem = TestCsrs.Pem(TestCsrs.DotNet(key, "CN=client-1")),
        };
    }
}
