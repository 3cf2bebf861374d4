using Pki.Core.Revocation;
using Pki.Core.Tests.Interop;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// CertIDs of issuers nobody here knows make the OCSP issuer index read every CA at most once per
/// <see cref="OcspIssuerIndex.MinimumRebuildInterval"/>; a CA created here is answered for at once.
/// </summary>
public sealed class OcspIssuerIndexTests
{
    [Fact]
    public async Task Unknown_issuers_rebuild_the_index_at_most_once_per_interval_and_new_cas_are_found_at_once()
    {
        var clock = PkiTestHost.FakeClock();
        var (host, store) = CountingAuthorityStore.Host(clock);
        using var _host = host;
        var (_, issuing) = await host.CreateHierarchyAsync();
        var leaf = await host.Signer.SignAsync(Csr(issuing));
        var revocation = host.Get<IRevocationService>();

        using var elsewhere = new PkiTestHost();
        var (_, foreign) = await elsewhere.CreateHierarchyAsync();
        var stranger = await elsewhere.Signer.SignAsync(Csr(foreign));

        await revocation.RespondAsync(Request(issuing, leaf)); // the CAs were created here: the index is built once
        int afterFirst = store.Lists;
        for (int i = 0; i < 5; i++)
        {
            await revocation.RespondAsync(Request(foreign, stranger)); // unknown issuer
        }

        Assert.Equal(afterFirst, store.Lists);

        clock.Advance(OcspIssuerIndex.MinimumRebuildInterval);
        await revocation.RespondAsync(Request(foreign, stranger));
        Assert.Equal(afterFirst + 1, store.Lists);

        // A CA created here is known to the next request without waiting for the interval.
        var (_, later) = await host.CreateHierarchyAsync();
        var laterLeaf = await host.Signer.SignAsync(Csr(later));
        Assert.Equal(6, RfcConformanceTests.ResponseStatus(await revocation.RespondAsync(Request(foreign, stranger)))); // unauthorized
        Assert.Equal(0, RfcConformanceTests.ResponseStatus(await revocation.RespondAsync(Request(later, laterLeaf)))); // successful
    }

    private static byte[] Request(AuthorityRecord issuer, IssuedCertificate leaf) =>
        RfcConformanceTests.OcspRequest(issuer, leaf.CertificatePem, w => w.WriteOctetString(new byte[16]));

    private static SignCsrRequest Csr(AuthorityRecord issuer)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return new SignCsrRequest
        {
            Authority = CaReference.ById(issuer.Id),
            Profile = CertificateProfiles.Client,
            CsrPem = TestCsrs.Pem(TestCsrs.DotNet(key, "CN=client-1")),
        };
    }
}
