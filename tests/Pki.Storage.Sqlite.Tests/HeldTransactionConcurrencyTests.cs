using System.Security.Cryptography;
using Pki.Core;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

/// <summary>
/// Operations that hold the writer's transaction (revocations, CRLs, escrowed issuance) run among grouped issuances from
/// eight callers at once: every one completes, each exactly once in the audit log, the chain intact, CRL numbers
/// strictly increasing.
/// </summary>
public sealed class HeldTransactionConcurrencyTests
{
    [Fact]
    public async Task Held_and_grouped_writes_of_eight_callers_all_complete_and_the_log_stays_intact()
    {
        using var file = new TempDatabase();
        using var host = new SqlitePkiHost(file.ConnectionString, RandomNumberGenerator.GetBytes(32));
        var (_, issuing) = await host.CreateHierarchyAsync();
        long eventsBefore = (await host.Audit.VerifyAsync()).EventsChecked;
        var revocation = host.Get<IRevocationService>();
        var crlNumbers = new System.Collections.Concurrent.ConcurrentBag<long>();
        var revoked = new System.Collections.Concurrent.ConcurrentBag<string>();
        const int Callers = 8;
        const int Rounds = 6;

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (int round = 0; round < Rounds; round++)
            {
                var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
                {
                    Authority = CaReference.ById(issuing.Id),
                    Profile = CertificateProfiles.Client,
                    CommonName = $"device-{caller}-{round}",
                    Organization = "Acme Corp",
                    IncludePrivateKey = round % 2 == 0, // held
                });
                await revocation.RevokeAsync(new RevokeCertificateRequest
                {
                    Certificate = CertificateReference.ById(issued.Record.Id),
                    Reason = RevocationReason.Superseded,
                }); // held
                revoked.Add(issued.Record.Id);
                if (round % 3 == 2)
                {
                    crlNumbers.Add((await revocation.PublishAsync(CaReference.ById(issuing.Id))).Number); // held
                }
            }
        })));

        foreach (string id in revoked)
        {
            Assert.NotEqual(CertificateStatus.Active, (await host.Authority.GetCertificateAsync(id)).Status);
        }

        var verification = await host.Audit.VerifyAsync();
        Assert.True(verification.IsIntact, verification.Reason);
        Assert.Equal(eventsBefore + (Callers * Rounds * 2) + crlNumbers.Count, verification.EventsChecked);
        Assert.Equal(crlNumbers.Count, crlNumbers.Distinct().Count());
        var last = await revocation.PublishAsync(CaReference.ById(issuing.Id));
        Assert.True(last.Number > crlNumbers.Max());
    }
}
