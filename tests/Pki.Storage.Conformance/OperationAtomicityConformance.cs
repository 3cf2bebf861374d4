using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pki.Core;
using Pki.Core.DependencyInjection;

namespace Pki.Storage.Conformance;

/// <summary>
/// An operation that makes several changes runs them and its audit event in one store transaction: a store failure
/// that is not a refusal (an I/O error, a full disk), or a cancellation, after the first change leaves nothing of the
/// operation behind — no CA without its certificate record, no revoked CA certificate with an active CA, no escrowed
/// key without its certificate — and the stores go on working.
/// </summary>
public abstract class OperationAtomicityConformance
{
    private readonly byte[] _keyEncryptionKey = RandomNumberGenerator.GetBytes(32);
    private readonly Failures _failures = new();

    /// <summary>
    /// Puts the stores over a fresh, empty database on <paramref name="pki"/> (the same one each call of a test). The
    /// certificate, authority and audit stores must be registered by factory (they are decorated), and no store may
    /// depend on the decorated ones.
    /// </summary>
    protected abstract ValueTask UseStorageAsync(IPkiBuilder pki);

    [Fact]
    public async Task A_subordinate_CA_whose_certificate_record_cannot_be_written_is_not_stored_at_all()
    {
        await using var host = await NewHostAsync();
        var (root, _) = await host.CreateHierarchyAsync();
        int keysBefore = await CountKeysAsync(host);
        long eventsBefore = (await host.Audit.VerifyAsync()).EventsChecked;

        _failures.CertificateAdd = true;
        await Assert.ThrowsAsync<IOException>(() => host.Authority.CreateIntermediateAsync(Intermediate(root, "Second")).AsTask());
        _failures.CertificateAdd = false;

        Assert.Null(await host.Get<IAuthorityStore>().FindByNameAsync("Second", "Acme Corp", CancellationToken.None));
        Assert.Equal(keysBefore, await CountKeysAsync(host)); // its key went with it
        Assert.Equal(eventsBefore, (await host.Audit.VerifyAsync()).EventsChecked);
        var caCertificates = await ReadAsync(host.Get<ICertificateStore>().QueryAsync(
            new CertificateQuery { AuthorityId = root.Id, Limit = 10 }, CancellationToken.None));
        Assert.Single(caCertificates); // "Issuing" only

        // The database goes on working: the same request now succeeds, with its record and its event.
        var second = await host.Authority.CreateIntermediateAsync(Intermediate(root, "Second"));
        Assert.NotNull(await host.Get<ICertificateStore>().FindBySerialNumberAsync(root.Id, second.SerialNumber, CancellationToken.None));
        var verification = await host.Audit.VerifyAsync();
        Assert.True(verification.IsIntact);
        Assert.Equal(eventsBefore + 1, verification.EventsChecked);
    }

    [Fact]
    public async Task A_subordinate_CA_cancelled_before_its_certificate_record_is_written_is_not_stored_at_all()
    {
        await using var host = await NewHostAsync();
        var (root, _) = await host.CreateHierarchyAsync();
        int keysBefore = await CountKeysAsync(host);
        long eventsBefore = (await host.Audit.VerifyAsync()).EventsChecked;

        _failures.CertificateAddCancelled = true;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Authority.CreateIntermediateAsync(Intermediate(root, "Second")).AsTask());
        _failures.CertificateAddCancelled = false;

        Assert.Null(await host.Get<IAuthorityStore>().FindByNameAsync("Second", "Acme Corp", CancellationToken.None));
        Assert.Equal(keysBefore, await CountKeysAsync(host));
        Assert.Equal(eventsBefore, (await host.Audit.VerifyAsync()).EventsChecked);
        Assert.Equal("Second", (await host.Authority.CreateIntermediateAsync(Intermediate(root, "Second"))).Name);
    }

    [Fact]
    public async Task Revoking_a_CA_certificate_whose_CA_record_cannot_be_updated_leaves_both_as_they_were()
    {
        await using var host = await NewHostAsync();
        var (root, issuing) = await host.CreateHierarchyAsync();
        var caCertificate = await host.Get<ICertificateStore>().FindBySerialNumberAsync(root.Id, issuing.SerialNumber, CancellationToken.None);
        Assert.NotNull(caCertificate);
        var revocation = host.Get<IRevocationService>();
        var request = new RevokeCertificateRequest { Certificate = CertificateReference.ById(caCertificate.Id), Reason = RevocationReason.KeyCompromise };

        _failures.AuthorityUpdate = true;
        await Assert.ThrowsAsync<IOException>(() => revocation.RevokeAsync(request).AsTask());
        _failures.AuthorityUpdate = false;

        Assert.Equal(CertificateStatus.Active, (await host.Authority.GetCertificateAsync(caCertificate.Id)).Status);
        Assert.Equal(AuthorityStatus.Active, (await host.Authority.GetAsync(CaReference.ById(issuing.Id))).Status);

        // Once the store works again, the revocation takes both.
        await revocation.RevokeAsync(request);
        Assert.Equal(CertificateStatus.Revoked, (await host.Authority.GetCertificateAsync(caCertificate.Id)).Status);
        Assert.NotEqual(AuthorityStatus.Active, (await host.Authority.GetAsync(CaReference.ById(issuing.Id))).Status);
    }

    [Fact]
    public async Task An_issuance_whose_CA_is_revoked_before_its_certificate_is_stored_fails_and_stores_nothing()
    {
        await using var host = await NewHostAsync();
        var (root, issuing) = await host.CreateHierarchyAsync();
        var caCertificate = await host.Get<ICertificateStore>().FindBySerialNumberAsync(root.Id, issuing.SerialNumber, CancellationToken.None);
        var request = new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Server,
            CommonName = "late.example.com",
            Organization = "Acme Corp",
            IncludePrivateKey = false, // no store transaction: with one, SQLite's writer would serialize the two operations
        };

        // The issuance has checked its CA and signed; the CA's certificate is revoked before the record reaches the store.
        _failures.CertificateAddHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var issuance = host.Authority.IssueAsync(request).AsTask();
        await Task.WhenAny(_failures.CertificateAddReached.Task, issuance).WaitAsync(Hang);
        Assert.False(issuance.IsCompleted, "The issuance ended before its certificate reached the store.");
        var held = _failures.CertificateAddHeld;
        _failures.CertificateAddHeld = null;
        await host.Get<IRevocationService>().RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(caCertificate!.Id), Reason = RevocationReason.KeyCompromise })
            .AsTask().WaitAsync(Hang);
        held.SetResult();

        var refused = await Assert.ThrowsAsync<PkiException>(() => issuance.WaitAsync(Hang));
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, refused.Code);
        var issued = await ReadAsync(host.Get<ICertificateStore>().QueryAsync(new CertificateQuery { AuthorityId = issuing.Id, Limit = 10 }, CancellationToken.None));
        Assert.Empty(issued);
        var last = await host.Get<IAuditStore>().GetLastAsync(CancellationToken.None);
        Assert.Equal(("certificate.issue", PkiErrorCode.AuthorityUnavailable), (last!.Action, last.ErrorCode));
    }

    [Fact]
    public async Task Issuing_with_the_private_key_leaves_no_escrowed_key_when_the_certificate_cannot_be_written()
    {
        await using var host = await NewHostAsync();
        var (_, issuing) = await host.CreateHierarchyAsync();
        int keysBefore = await CountKeysAsync(host);
        var request = new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Server,
            CommonName = "api.example.com",
            Organization = "Acme Corp",
            IncludePrivateKey = true,
        };

        _failures.CertificateAdd = true;
        await Assert.ThrowsAsync<IOException>(() => host.Authority.IssueAsync(request).AsTask());
        _failures.CertificateAdd = false;
        Assert.Equal(keysBefore, await CountKeysAsync(host));

        var issued = await host.Authority.IssueAsync(request);
        Assert.NotNull(issued.PrivateKeyPem);
        Assert.Equal(keysBefore + 1, await CountKeysAsync(host));
        Assert.NotNull(await host.Get<IPrivateKeyStore>().GetAsync(issued.Record.PrivateKeyId!, CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_a_token_whose_event_cannot_be_written_leaves_the_token_unused()
    {
        await using var host = await NewHostAsync();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var tokens = host.Get<IRequestTokenService>();
        var token = await tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device", Authority = CaReference.ById(issuing.Id), CommonName = "device-1" });
        long eventsBefore = (await host.Audit.VerifyAsync()).EventsChecked;

        _failures.AuditAppend = true;
        await Assert.ThrowsAsync<IOException>(() => tokens.DeleteAsync(token.Token.Id).AsTask());
        _failures.AuditAppend = false;

        Assert.Equal(RequestTokenState.Unused, (await tokens.GetAsync(token.Token.Id)).State);
        Assert.Equal(eventsBefore, (await host.Audit.VerifyAsync()).EventsChecked);

        Assert.Equal(RequestTokenState.Deleted, (await tokens.DeleteAsync(token.Token.Id)).State);
        Assert.Equal(eventsBefore + 1, (await host.Audit.VerifyAsync()).EventsChecked);
    }

    [Fact]
    public async Task Generating_a_CSR_whose_event_cannot_be_written_keeps_no_key()
    {
        await using var host = await NewHostAsync();
        var generator = host.Get<ICsrGenerator>();
        var request = new GenerateCsrRequest { Subject = DistinguishedName.Create(commonName: "device-7.example.com"), Key = KeySpecification.For(KeyAlgorithm.EcdsaP256) };
        int keysBefore = await CountKeysAsync(host);

        _failures.AuditAppend = true;
        await Assert.ThrowsAsync<IOException>(() => generator.GenerateAsync(request).AsTask());
        _failures.AuditAppend = false;
        Assert.Equal(keysBefore, await CountKeysAsync(host));

        var generated = await generator.GenerateAsync(request);
        Assert.NotNull(await host.Get<IPrivateKeyStore>().GetAsync(generated.PrivateKeyId, CancellationToken.None));
        var events = await ReadAsync(host.Audit.QueryAsync(new AuditQuery { ObjectId = generated.PrivateKeyId, Limit = 10 }));
        Assert.Equal("key.generate-csr", Assert.Single(events).Action);
    }

    /// <summary>A bound on waits that only a hang would reach (it fails the test instead of stalling the run).</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private async Task<Host> NewHostAsync()
    {
        IServiceCollection services = new ServiceCollection();
        await UseStorageAsync(services.AddPki(options => options.KeyEncryptionKey = _keyEncryptionKey));
        Decorate<ICertificateStore>(services, inner => new FailingCertificateStore(inner, _failures));
        Decorate<IAuthorityStore>(services, inner => new FailingAuthorityStore(inner, _failures));
        Decorate<IAuditStore>(services, inner => new FailingAuditStore(inner, _failures));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<PkiOptions>>().Value;
        return new Host(provider);
    }

    private static CreateIntermediateAuthorityRequest Intermediate(AuthorityRecord parent, string name) => new()
    {
        Name = name,
        Organization = "Acme Corp",
        Parent = CaReference.ById(parent.Id),
        Subject = DistinguishedName.Create(commonName: "Acme " + name + " CA", organization: "Acme Corp", country: "DE"),
        ValidityDays = 1800, // outlives the end-entity certificates it issues (profile default: up to a year)
    };

    private static async Task<int> CountKeysAsync(Host host) =>
        (await ReadAsync(host.Get<IPrivateKeyStore>().ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None))).Count;

    private static async Task<List<T>> ReadAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
        }

        return items;
    }

    private static void Decorate<T>(IServiceCollection services, Func<T, T> decorate)
        where T : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(descriptor);
        services.AddSingleton(sp => decorate((T)descriptor.ImplementationFactory!(sp)));
    }

    /// <summary>A service provider with the decorated durable stores.</summary>
    private sealed class Host(ServiceProvider provider) : IAsyncDisposable
    {
        public ICertificateAuthority Authority => Get<ICertificateAuthority>();

        public IAuditLog Audit => Get<IAuditLog>();

        public T Get<T>()
            where T : notnull => provider.GetRequiredService<T>();

        public async Task<(AuthorityRecord Root, AuthorityRecord Issuing)> CreateHierarchyAsync()
        {
            var root = await Authority.CreateRootAsync(new CreateRootAuthorityRequest
            {
                Name = "Root",
                Organization = "Acme Corp",
                Subject = DistinguishedName.Create(commonName: "Acme Root CA", organization: "Acme Corp", country: "DE"),
                KeyAlgorithm = KeyAlgorithm.EcdsaP256,
                PathLengthConstraint = 1,
            });
            var issuing = await Authority.CreateIntermediateAsync(Intermediate(root, "Issuing"));
            return (root, issuing);
        }

        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }

    /// <summary>Which writes fail as a broken disk would, after the operation's earlier changes were written.</summary>
    private sealed class Failures
    {
        public volatile bool CertificateAdd;
        public volatile bool CertificateAddCancelled;

        /// <summary>When set, certificate adds wait for it (after signalling <see cref="CertificateAddReached"/>) before they reach the store.</summary>
        public volatile TaskCompletionSource? CertificateAddHeld;
        public readonly TaskCompletionSource CertificateAddReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool AuthorityUpdate;
        public volatile bool AuditAppend;
    }

    private sealed class FailingCertificateStore(ICertificateStore inner, Failures failures) : ICertificateStore
    {
        public async ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
        {
            if (failures.CertificateAddHeld is { } held)
            {
                failures.CertificateAddReached.TrySetResult();
                await held.Task;
            }

            await (failures.CertificateAdd ? throw new IOException("disk I/O error (test)")
                : failures.CertificateAddCancelled ? throw new OperationCanceledException("the caller gave up (test)")
                : inner.AddAsync(certificate, cancellationToken));
        }

        public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken) =>
            inner.FindBySerialNumberAsync(authorityId, serialNumber, cancellationToken);

        public IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public ValueTask<CertificatePurgeResult> PurgeExpiredAsync(CertificatePurge purge, CancellationToken cancellationToken) => inner.PurgeExpiredAsync(purge, cancellationToken);
    }

    private sealed class FailingAuthorityStore(IAuthorityStore inner, Failures failures) : IAuthorityStore
    {
        public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken) => inner.AddAsync(authority, cancellationToken);

        public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken) =>
            failures.AuthorityUpdate ? throw new IOException("disk I/O error (test)") : inner.UpdateAsync(authority, cancellationToken);

        public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken) =>
            inner.FindByNameAsync(name, organization, cancellationToken);

        public IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);
    }

    private sealed class FailingAuditStore(IAuditStore inner, Failures failures) : IAuditStore
    {
        public ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken) => inner.GetLastAsync(cancellationToken);

        public ValueTask<AuditEvent> AppendAsync(Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken) =>
            failures.AuditAppend ? throw new IOException("disk I/O error (test)") : inner.AppendAsync(next, cancellationToken);

        public IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);
    }
}
