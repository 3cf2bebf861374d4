using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Issuance;

public sealed class SerialRetryTests
{
    /// <summary>A store that refuses the first N certificates as duplicate serials, as a real store would on a collision.</summary>
    private sealed class CollidingStore(int collisions) : ICertificateStore
    {
        private readonly InMemoryCertificateStore _inner = new();
        private int _remaining = collisions;

        public List<SerialNumber> Attempts { get; } = [];

        public ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
        {
            Attempts.Add(certificate.SerialNumber);
            return Interlocked.Decrement(ref _remaining) >= 0
                ? throw new PkiException(PkiErrorCode.DuplicateSerialNumber, "collision")
                : _inner.AddAsync(certificate, cancellationToken);
        }

        public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken) => _inner.GetAsync(id, cancellationToken);

        public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken) =>
            _inner.FindBySerialNumberAsync(authorityId, serialNumber, cancellationToken);

        public IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, CancellationToken cancellationToken) => _inner.QueryAsync(query, cancellationToken);

        public ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken) => _inner.PurgeExpiredAsync(purge, cancellationToken);
    }

    [Fact]
    public async Task A_duplicate_serial_is_retried_with_a_fresh_serial()
    {
        var colliding = new CollidingStore(2);
        using var host2 = new PkiTestHost(services: s => s.AddSingleton<ICertificateStore>(colliding));
        var root2 = await host2.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "r", Subject = DistinguishedName.Create(commonName: "R") });

        var issued = await host2.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root2.Id), Profile = CertificateProfiles.Server, CommonName = "retry.example.com",
        });

        Assert.Equal(3, colliding.Attempts.Count);
        Assert.Equal(3, colliding.Attempts.Distinct().Count());
        Assert.Equal(colliding.Attempts[^1], issued.Record.SerialNumber);
        Assert.NotNull(await host2.Authority.GetCertificateAsync(issued.Record.Id));
    }

    [Fact]
    public async Task Persistent_collisions_surface_after_a_bounded_number_of_attempts()
    {
        var colliding = new CollidingStore(int.MaxValue);
        using var host = new PkiTestHost(services: s => s.AddSingleton<ICertificateStore>(colliding));
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "r", Subject = DistinguishedName.Create(commonName: "R") });

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(root.Id), Profile = CertificateProfiles.Server, CommonName = "retry.example.com",
        }).AsTask());

        Assert.Equal(PkiErrorCode.DuplicateSerialNumber, error.Code);
        Assert.Equal(4, colliding.Attempts.Count);
    }
}
