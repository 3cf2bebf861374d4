using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// Of two CRLs of a CA, the one with the higher number never lists less (RFC 5280 section 5.2.3: relying parties take the
/// highest number as the newest). A builder whose number was overtaken while it read the entries reads again under a
/// new number; downloads that find the CRL stale together share creations.
/// </summary>
public sealed class CrlNumberOrderTests
{
    /// <summary>The in-memory store, with a hook that runs when a CRL builder starts reading a full CRL's entries.</summary>
    private sealed class HookedRevocationStore(IRevocationStore inner) : RevocationStoreDecorator(inner)
    {
        public Func<Task>? OnRead { get; set; }

        public int Saved;

        public override async IAsyncEnumerable<RevocationEntry> ListEntriesAsync(RevocationEntryQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (OnRead is { } hook && query.ChangedAfter is null) // not delta CRLs, which ask for changes since their base
            {
                await hook();
            }

            await foreach (var entry in Inner.ListEntriesAsync(query, cancellationToken))
            {
                yield return entry;
            }
        }

        public override ValueTask SaveCrlAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Saved);
            return Inner.SaveCrlAsync(crl, cancellationToken);
        }
    }

    private static (PkiTestHost Host, HookedRevocationStore Store) Host(TimeProvider? time = null)
    {
        HookedRevocationStore? hooked = null;
        var host = new PkiTestHost(time: time, services: s => s.AddSingleton<IRevocationStore>(sp =>
            hooked = new HookedRevocationStore(new InMemoryRevocationStore(sp.GetRequiredService<ICertificateStore>()))));
        _ = host.Get<IRevocationStore>();
        return (host, hooked!);
    }

    private static Task<IssuedCertificate> IssueAsync(PkiTestHost host, AuthorityRecord ca, string name) =>
        host.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(ca.Id), Profile = CertificateProfiles.Client, CommonName = name }).AsTask();

    private static Task<CertificateRecord> RevokeAsync(PkiTestHost host, IssuedCertificate certificate) =>
        host.Get<IRevocationService>().RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(certificate.Record.Id), Reason = RevocationReason.KeyCompromise }).AsTask();

    [Fact]
    public async Task A_builder_overtaken_while_reading_reads_again_under_a_newer_number()
    {
        var (host, store) = Host();
        using var _ = host;
        var (_, ca) = await host.CreateHierarchyAsync();
        var revoked = await IssueAsync(host, ca, "late");
        var revocation = host.Get<IRevocationService>();

        // The first read: another builder takes number 2 and, before this read, a revocation lands that the other builder
        // (reading earlier) did not see. Number 1 must not be published with more than number 2 lists.
        bool first = true;
        store.OnRead = async () =>
        {
            if (first)
            {
                first = false;
                await store.NextCrlNumberAsync(ca.Id, CancellationToken.None);
                await RevokeAsync(host, revoked);
            }
        };

        var crl = await revocation.CreateCrlAsync(CaReference.ById(ca.Id));

        Assert.Equal(3, crl.Number); // 1 abandoned (overtaken by 2), read again as 3
        Assert.Equal(1, crl.EntryCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a manual clock that nobody advances must not stall the random pauses between attempts
    public async Task Builders_that_are_always_overtaken_give_up_with_a_concurrency_conflict(bool manualClock)
    {
        var (host, store) = Host(manualClock ? PkiTestHost.FakeClock() : null);
        using var _ = host;
        var (_, ca) = await host.CreateHierarchyAsync();
        store.OnRead = async () => await store.NextCrlNumberAsync(ca.Id, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Get<IRevocationService>().CreateCrlAsync(CaReference.ById(ca.Id)).AsTask());
        Assert.Equal(PkiErrorCode.ConcurrencyConflict, error.Code);
        Assert.Equal(0, store.Saved); // nothing signed and stored
    }

    [Fact]
    public async Task Under_concurrent_builders_and_revocations_a_higher_number_never_lists_less()
    {
        var (host, store) = Host();
        using var __ = host;
        var (_, ca) = await host.CreateHierarchyAsync();
        store.OnRead = () => Task.Delay(System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 3)); // widen the window between a builder's number and its read
        var revocation = host.Get<IRevocationService>();
        var certificates = new List<IssuedCertificate>();
        for (int i = 0; i < 24; i++)
        {
            certificates.Add(await IssueAsync(host, ca, $"c{i}"));
        }

        var crls = new ConcurrentBag<CertificateRevocationList>();
        var revoking = Task.Run(async () =>
        {
            foreach (var certificate in certificates)
            {
                await RevokeAsync(host, certificate);
                await Task.Yield();
            }
        });
        var building = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 12; i++)
            {
                try
                {
                    crls.Add(await revocation.CreateCrlAsync(CaReference.ById(ca.Id)));
                }
                catch (PkiException e) when (e.Code == PkiErrorCode.ConcurrencyConflict)
                {
                    // allowed: the caller may try again; what matters is that nothing inconsistent was published
                }
            }
        }));
        await Task.WhenAll([revoking, .. building]);

        var ordered = crls.OrderBy(c => c.Number).Select(c => (c.Number, Serials: Serials(c))).ToList();
        Assert.NotEmpty(ordered);
        for (int i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i - 1].Serials.IsSubsetOf(ordered[i].Serials),
                $"CRL {ordered[i].Number} lists less than CRL {ordered[i - 1].Number}");
        }
    }

    [Fact]
    public async Task Downloads_that_find_the_crl_stale_together_share_new_crls()
    {
        var (host, store) = Host();
        using var _ = host;
        var (_, ca) = await host.CreateHierarchyAsync();
        var revocation = host.Get<IRevocationService>();
        await revocation.GetCrlAsync(CaReference.ById(ca.Id));
        await RevokeAsync(host, await IssueAsync(host, ca, "revoked"));
        int savedBefore = store.Saved;

        var gate = new TaskCompletionSource();
        int reads = 0;
        store.OnRead = () => Interlocked.Increment(ref reads) == 1 ? gate.Task : Task.CompletedTask; // hold the first creation
        var downloads = Enumerable.Range(0, 16).Select(_ => revocation.GetCrlAsync(CaReference.ById(ca.Id)).AsTask()).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(downloads);

        // The first request's creation, and one more shared by every request that arrived after it started (its read
        // may have begun before their revocations): two CRLs for sixteen downloads, each listing the revocation.
        Assert.InRange(results.Select(c => c.Number).Distinct().Count(), 1, 2);
        Assert.All(results, crl => Assert.Equal(1, crl.EntryCount));
        Assert.InRange(store.Saved - savedBefore, 1, 2);
    }

    private static HashSet<string> Serials(CertificateRevocationList crl)
    {
        var parsed = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(crl.Der.ToArray());
        var entries = parsed.GetRevokedCertificates();
        return entries is null ? [] : entries.Select(e => e.SerialNumber.ToString(16)).ToHashSet(StringComparer.Ordinal);
    }
}
