using Microsoft.Extensions.DependencyInjection;
using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// What a database must show after a process making multi-change operations under a root CA (subordinate CAs,
/// revocations of their certificates, escrowed issuances) was killed at any point: each operation whole or absent.
/// </summary>
public static class MultiChangeInvariants
{
    /// <summary>
    /// Asserts that every CA has its certificate record at the root and exactly one creation event, that a CA
    /// certificate is revoked exactly when its CA is, that every key belongs to a CA or a certificate, that every
    /// escrowed certificate has exactly one issuance event, and that the audit chain is intact. Returns how many
    /// subordinate CAs the database holds.
    /// </summary>
    /// <param name="services">A service provider over the database (AddPki with the durable store).</param>
    /// <param name="rootId">The root CA the operations ran under.</param>
    public static async Task<int> AssertEachOperationWholeAsync(IServiceProvider services, string rootId)
    {
        ArgumentNullException.ThrowIfNull(services);
        var authorities = await ReadAsync(services.GetRequiredService<IAuthorityStore>().ListAsync(new AuthorityQuery { Limit = 10_000 }, CancellationToken.None));
        var issuedByRoot = await ReadAsync(services.GetRequiredService<ICertificateStore>().QueryAsync(new CertificateQuery { AuthorityId = rootId, Limit = 10_000 }, CancellationToken.None));
        var keys = await ReadAsync(services.GetRequiredService<IPrivateKeyStore>().ListAsync(new PrivateKeyQuery { Limit = 10_000 }, CancellationToken.None));
        var events = await ReadAsync(services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Limit = 10_000 }, CancellationToken.None));

        var subordinates = authorities.Where(a => a.ParentId == rootId).ToList();
        foreach (var authority in subordinates)
        {
            var record = issuedByRoot.SingleOrDefault(c => c.SerialNumber == authority.SerialNumber);
            Assert.True(record is not null, $"CA {authority.Name} has no certificate record at its parent.");
            Assert.Equal(CertificateType.CertificateAuthority, record.Type);
            Assert.Equal(record.Status == CertificateStatus.Active, authority.Status == AuthorityStatus.Active);
            int created = events.Count(e => e.Action == "authority.create" && e.ObjectId == authority.Id && e.Outcome == AuditOutcome.Success);
            Assert.True(created == 1, $"CA {authority.Name} has {created} creation events.");
        }

        foreach (var record in issuedByRoot.Where(c => c.Type == CertificateType.CertificateAuthority))
        {
            Assert.Contains(authorities, a => a.SerialNumber == record.SerialNumber); // no certificate record without its CA
        }

        var referenced = authorities.SelectMany(a => new[] { a.KeyId, a.AlternativeKeyId })
            .Concat(issuedByRoot.Select(c => c.PrivateKeyId))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        Assert.All(keys, key => Assert.Contains(key.Id, referenced)); // no key of an operation that did not finish

        foreach (var escrowed in issuedByRoot.Where(c => c.PrivateKeyId is not null))
        {
            int issued = events.Count(e => e.Action == "certificate.issue" && e.ObjectId == escrowed.Id && e.Outcome == AuditOutcome.Success);
            Assert.True(issued == 1, $"Certificate {escrowed.Id} has {issued} issuance events.");
        }

        var verification = await services.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.True(verification.IsIntact, verification.Reason);
        return subordinates.Count;
    }

    private static async Task<List<T>> ReadAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
        }

        return items;
    }
}
