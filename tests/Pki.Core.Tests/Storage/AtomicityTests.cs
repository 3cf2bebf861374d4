using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Storage;

/// <summary>
/// A multi-step operation whose caller's token fires right after one of its store writes committed must not fail with
/// that change standing and without its audit event: the in-memory stores are wrapped so that the token fires
/// deterministically after the named write, and every wrapped write honours the token first, as the SQL stores do.
/// </summary>
public sealed class AtomicityTests
{
    private static readonly byte[] OldKek = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] NewKek = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    /// <summary>Fires <see cref="Token"/> right after the write named <see cref="CancelAfter"/> committed.</summary>
    private sealed class Trip : IDisposable
    {
        private readonly CancellationTokenSource _source = new();

        public string? CancelAfter { get; set; }

        public CancellationToken Token => _source.Token;

        public void After(string write)
        {
            if (write == CancelAfter)
            {
                _source.Cancel();
            }
        }

        public void Dispose() => _source.Dispose();
    }

    private sealed class TripAuthorityStore(IAuthorityStore inner, Trip trip) : IAuthorityStore
    {
        public async ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await inner.AddAsync(authority, cancellationToken);
            trip.After("authorities.Add");
        }

        public async ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await inner.UpdateAsync(authority, cancellationToken);
            trip.After("authorities.Update");
        }

        public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken) =>
            inner.FindByNameAsync(name, organization, cancellationToken);

        public IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);
    }

    private sealed class TripCertificateStore(ICertificateStore inner, Trip trip) : ICertificateStore
    {
        public async ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await inner.AddAsync(certificate, cancellationToken);
            trip.After("certificates.Add");
        }

        public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken) =>
            inner.FindBySerialNumberAsync(authorityId, serialNumber, cancellationToken);

        public IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public async ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            var result = await inner.PurgeExpiredAsync(purge, cancellationToken);
            if (result.Certificates > 0)
            {
                trip.After("certificates.Purge"); // a batch that removed something (tidy also probes CAs with nothing to remove)
            }

            return result;
        }
    }

    private sealed class TripRevocationStore(IRevocationStore inner, Trip trip) : RevocationStoreDecorator(inner)
    {
        public override async ValueTask<CertificateRecord?> TryChangeStatusAsync(CertificateStatusChange change, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            var updated = await Inner.TryChangeStatusAsync(change, cancellationToken);
            trip.After("revocation.ChangeStatus");
            return updated;
        }

        public override async ValueTask<long> NextCrlNumberAsync(string authorityId, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            long number = await Inner.NextCrlNumberAsync(authorityId, cancellationToken);
            trip.After("revocation.NextCrlNumber");
            return number;
        }

        public override async ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await Inner.SaveCrlAsync(crl, cancellationToken);
            trip.After("revocation.SaveCrl");
        }

        public override async ValueTask SetOcspResponderAsync(OcspResponderRecord responder, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await Inner.SetOcspResponderAsync(responder, cancellationToken);
            trip.After("revocation.SetOcspResponder");
        }
    }

    private sealed class TripPrivateKeyStore(IPrivateKeyStore inner, Trip trip) : IPrivateKeyStore
    {
        public async ValueTask AddAsync(StoredPrivateKey key, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await inner.AddAsync(key, cancellationToken);
            trip.After("keys.Add");
        }

        public ValueTask<StoredPrivateKey?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<StoredPrivateKey?> FindByEscrowIndexAsync(ReadOnlyMemory<byte> escrowIndex, CancellationToken cancellationToken) =>
            inner.FindByEscrowIndexAsync(escrowIndex, cancellationToken);

        public IAsyncEnumerable<StoredPrivateKey> ListAsync(PrivateKeyQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public async ValueTask ReplaceProtectedKeyAsync(string id, ReadOnlyMemory<byte> expectedProtectedPkcs8, ReadOnlyMemory<byte> protectedPkcs8, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested(); // as a SQL store does before it writes
            await inner.ReplaceProtectedKeyAsync(id, expectedProtectedPkcs8, protectedPkcs8, cancellationToken);
            trip.After("keys.Replace");
        }

        public ValueTask<int> PurgeUnreferencedAsync(PrivateKeyPurge purge, CancellationToken cancellationToken) => inner.PurgeUnreferencedAsync(purge, cancellationToken);
    }

    /// <summary>The in-memory stores, each behind its trip decorator (they share data as in <c>AddPki</c>).</summary>
    private static PkiTestHost Host(Trip trip, Action<PkiOptions>? configure = null, TimeProvider? time = null, InMemoryPrivateKeyStore? keys = null) =>
        new(configure, time, s =>
        {
            s.AddSingleton(keys ?? new InMemoryPrivateKeyStore());
            s.AddSingleton<IPrivateKeyStore>(sp => new TripPrivateKeyStore(sp.GetRequiredService<InMemoryPrivateKeyStore>(), trip));
            s.AddSingleton(sp => new InMemoryCertificateStore(sp.GetRequiredService<InMemoryPrivateKeyStore>()));
            s.AddSingleton<ICertificateStore>(sp => new TripCertificateStore(sp.GetRequiredService<InMemoryCertificateStore>(), trip));
            s.AddSingleton<IRequestTokenStore>(sp => new InMemoryRequestTokenStore(sp.GetRequiredService<InMemoryCertificateStore>()));
            s.AddSingleton<IRevocationStore>(sp => new TripRevocationStore(new InMemoryRevocationStore(sp.GetRequiredService<InMemoryCertificateStore>()), trip));
            s.AddSingleton<IAuthorityStore>(sp => new TripAuthorityStore(new InMemoryAuthorityStore(), trip));
        });

    private static async Task<List<AuditEvent>> EventsAsync(PkiTestHost host, string action) =>
        await host.Get<IAuditLog>().QueryAsync(new AuditQuery { Limit = 1000 }).Where(e => e.Action == action).ToListAsync();

    private static Task<IssuedCertificate> IssueAsync(PkiTestHost host, AuthorityRecord issuing, string name, int validityDays = 30) =>
        host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = name,
            ValidityDays = validityDays,
        }).AsTask();

    [Fact]
    public async Task An_intermediate_CA_stored_before_the_token_fires_gets_its_certificate_record_and_its_event()
    {
        using var trip = new Trip();
        using var host = Host(trip);
        var root = await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "root", Subject = DistinguishedName.Create(commonName: "Root") });
        trip.CancelAfter = "authorities.Add";

        var issuing = await host.Authority.CreateIntermediateAsync(
            new CreateIntermediateAuthorityRequest { Name = "issuing", Parent = CaReference.ById(root.Id), Subject = DistinguishedName.Create(commonName: "Issuing") },
            trip.Token);

        Assert.True(trip.Token.IsCancellationRequested);
        var record = await host.Get<ICertificateStore>().FindBySerialNumberAsync(root.Id, issuing.SerialNumber, CancellationToken.None);
        Assert.Equal(CertificateType.CertificateAuthority, record?.Type);
        var events = await EventsAsync(host, "authority.create");
        Assert.Equal([(AuditOutcome.Success, root.Id), (AuditOutcome.Success, issuing.Id)], events.Select(e => (e.Outcome, e.ObjectId)));
    }

    [Fact]
    public async Task A_revoked_CA_certificate_stops_its_CA_and_is_audited_even_if_the_token_fires_after_the_status_change()
    {
        using var trip = new Trip();
        using var host = Host(trip);
        var (root, issuing) = await host.CreateHierarchyAsync();
        var caCertificate = await host.Get<ICertificateStore>().FindBySerialNumberAsync(root.Id, issuing.SerialNumber, CancellationToken.None);
        trip.CancelAfter = "revocation.ChangeStatus";

        var revoked = await host.Get<IRevocationService>().RevokeAsync(
            new RevokeCertificateRequest { Certificate = CertificateReference.ById(caCertificate!.Id), Reason = RevocationReason.CACompromise },
            trip.Token);

        Assert.True(trip.Token.IsCancellationRequested);
        Assert.Equal(CertificateStatus.Revoked, revoked.Status);
        Assert.Equal(AuthorityStatus.Revoked, (await host.Authority.GetAsync(CaReference.ById(issuing.Id))).Status);
        var events = await EventsAsync(host, "certificate.revoke");
        Assert.Equal([(AuditOutcome.Success, caCertificate.Id)], events.Select(e => (e.Outcome, e.ObjectId)));
    }

    [Fact]
    public async Task A_publication_that_changed_a_status_before_the_token_fired_makes_its_CRL_and_is_audited()
    {
        using var trip = new Trip();
        using var host = Host(trip, o => o.Revocation.AsynchronousPublication = true);
        var (_, issuing) = await host.CreateHierarchyAsync();
        var issued = await IssueAsync(host, issuing, "pending@example.com");
        var revocation = host.Get<IRevocationService>();
        var pending = await revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(issued.Record.Id), Reason = RevocationReason.KeyCompromise });
        Assert.Equal(CertificateStatus.PendingRevocation, pending.Status);
        trip.CancelAfter = "revocation.ChangeStatus";

        var crl = await revocation.PublishAsync(CaReference.ById(issuing.Id), trip.Token);

        Assert.True(trip.Token.IsCancellationRequested);
        Assert.Equal(1, crl.EntryCount);
        Assert.Equal(CertificateStatus.Revoked, (await revocation.GetStatusAsync(CertificateReference.ById(issued.Record.Id))).Status);
        Assert.Equal(crl.Number, (await host.Get<IRevocationStore>().GetLatestCrlAsync(issuing.Id, delta: false, CancellationToken.None))?.Number);
        Assert.Single(await EventsAsync(host, "crl.publish"), e => e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task An_OCSP_responder_certificate_stored_before_the_token_fires_becomes_the_responder_and_is_audited()
    {
        using var trip = new Trip();
        using var host = Host(trip);
        var (_, issuing) = await host.CreateHierarchyAsync();
        trip.CancelAfter = "certificates.Add";

        var issued = await host.Get<IRevocationService>().IssueOcspSigningCertificateAsync(CaReference.ById(issuing.Id), cancellationToken: trip.Token);

        Assert.True(trip.Token.IsCancellationRequested);
        var responder = await host.Get<IRevocationStore>().GetOcspResponderAsync(issuing.Id, CancellationToken.None);
        Assert.Equal(issued.Record.Id, responder?.CertificateId);
        var events = await EventsAsync(host, "certificate.issue-ocsp-signer");
        Assert.Equal([(AuditOutcome.Success, issued.Record.Id)], events.Select(e => (e.Outcome, e.ObjectId)));
    }

    [Fact]
    public async Task A_tidy_pass_cancelled_after_a_committed_batch_reports_and_audits_what_it_removed()
    {
        var clock = PkiTestHost.FakeClock();
        using var trip = new Trip();
        using var host = Host(trip, o => o.Tidy.BatchSize = 1, clock);
        var (_, issuing) = await host.CreateHierarchyAsync();
        await IssueAsync(host, issuing, "a@example.com");
        await IssueAsync(host, issuing, "b@example.com");
        clock.Advance(TimeSpan.FromDays(30 + 90) + TimeSpan.FromSeconds(1));
        trip.CancelAfter = "certificates.Purge";

        var report = await host.Get<ITidyService>().TidyAsync(null, trip.Token);

        Assert.True(trip.Token.IsCancellationRequested);
        Assert.Equal((1, true), (report.CertificatesRemoved, report.StoppedEarly));
        Assert.Single(await EventsAsync(host, "storage.tidy"), e => e.Outcome == AuditOutcome.Success);
        int left = await host.Authority.ListCertificatesAsync(new CertificateQuery { Type = CertificateType.Client, Limit = 100 }).CountAsync();
        Assert.Equal(1, left);
    }

    [Fact]
    public async Task A_tidy_pass_cancelled_before_its_first_batch_still_fails_and_writes_nothing()
    {
        using var trip = new Trip { CancelAfter = "never" };
        using var host = Host(trip);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Get<ITidyService>().TidyAsync(null, cancelled.Token).AsTask());

        Assert.Empty(await EventsAsync(host, "storage.tidy"));
    }

    [Fact]
    public async Task A_key_encryption_key_rotation_cancelled_after_a_rewrap_returns_its_count_and_is_audited()
    {
        var keys = new InMemoryPrivateKeyStore();
        using (var before = Host(new Trip(), o => { o.KeyEncryptionKey = OldKek; o.KeyEncryptionKeyId = "old"; }, keys: keys))
        {
            await before.CreateHierarchyAsync();
        }

        using var trip = new Trip { CancelAfter = "keys.Replace" };
        using var host = Host(trip, o => { o.KeyEncryptionKey = NewKek; o.KeyEncryptionKeyId = "new"; o.PreviousKeyEncryptionKeys["old"] = OldKek; }, keys: keys);
        var rotation = host.Get<IKeyEncryptionKeyRotation>();

        int first = await rotation.RewrapAllAsync(trip.Token);

        Assert.True(trip.Token.IsCancellationRequested);
        Assert.Equal(1, first);
        Assert.Equal(1, await rotation.RewrapAllAsync());
        Assert.Equal(0, await rotation.RewrapAllAsync());
        var events = await EventsAsync(host, "key.rotate-kek");
        Assert.Equal([AuditOutcome.Success, AuditOutcome.Success, AuditOutcome.Success], events.Select(e => e.Outcome));
    }
}
