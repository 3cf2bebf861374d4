using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance;

/// <summary>
/// Issuing (a CSR, or a generated key) reads the issuing CA once (the authorization check's read is the one the pipeline checks) and each of
/// its parents once: with a durable store every read is a round trip.
/// </summary>
public sealed class AuthorityReadsTests
{
    [Fact]
    public async Task Signing_a_csr_reads_the_issuing_ca_once_and_its_parent_once()
    {
        var store = new CountingAuthorityStore();
        using var host = new PkiTestHost(services: s => s.AddSingleton<IAuthorityStore>(store));
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await host.Signer.SignAsync(request); // first use builds and caches the CA's signing context

        store.Reads.Clear();
        await host.Signer.SignAsync(request);

        Assert.Equal([issuing.Id, root.Id], store.Reads);
    }

    [Fact]
    public async Task Issuing_with_a_generated_key_reads_the_issuing_ca_once_and_its_parent_once()
    {
        var store = new CountingAuthorityStore();
        using var host = new PkiTestHost(services: s => s.AddSingleton<IAuthorityStore>(store));
        var (root, issuing) = await host.CreateHierarchyAsync();
        var request = new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "client-1",
        };
        await host.Authority.IssueAsync(request);

        store.Reads.Clear();
        await host.Authority.IssueAsync(request);

        Assert.Equal([issuing.Id, root.Id], store.Reads);
    }

    [Fact]
    public async Task A_ca_revoked_after_an_earlier_signing_no_longer_signs()
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var request = CsrRequest(issuing);
        await host.Signer.SignAsync(request);
        var store = host.Get<IAuthorityStore>();
        var current = await store.GetAsync(issuing.Id, CancellationToken.None);
        await store.UpdateAsync(current! with { Status = AuthorityStatus.Revoked }, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<PkiException>(() => host.Signer.SignAsync(request).AsTask());

        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
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

    private sealed class CountingAuthorityStore : IAuthorityStore
    {
        private readonly InMemoryAuthorityStore _inner = new();

        public List<string> Reads { get; } = [];

        public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken) => _inner.AddAsync(authority, cancellationToken);

        public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken) => _inner.UpdateAsync(authority, cancellationToken);

        public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken)
        {
            lock (Reads)
            {
                Reads.Add(id);
            }

            return _inner.GetAsync(id, cancellationToken);
        }

        public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken) =>
            _inner.FindByNameAsync(name, organization, cancellationToken);

        public IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken) => _inner.ListAsync(query, cancellationToken);
    }
}
