using Microsoft.Extensions.DependencyInjection;
using Pki.Core;

/// <summary>
/// The "churn" mode of the multi-process test workers (compiled into each): makes multi-change operations on the
/// database's root CA until killed — subordinate CAs (key, CA, certificate record), revocations of their certificates
/// (certificate and CA status) and escrowed issuances (key and certificate) — four at a time. Prints "ready" once open,
/// starts on a line of standard input, and prints "done" after each completed operation. The test then checks the
/// database with <c>MultiChangeInvariants</c>.
/// </summary>
internal static class MultiChangeChurn
{
    /// <summary>Runs until the process is killed; returns 3 when the database has no root CA.</summary>
    public static async Task<int> RunAsync(IServiceProvider provider)
    {
        var authorities = provider.GetRequiredService<ICertificateAuthority>();
        var revocation = provider.GetRequiredService<IRevocationService>();
        var certificates = provider.GetRequiredService<ICertificateStore>();
        AuthorityRecord? root = null;
        await foreach (var authority in authorities.ListAsync(new AuthorityQuery { Limit = 1000 }))
        {
            root ??= authority.IsRoot ? authority : null;
        }

        if (root is null)
        {
            Console.Error.WriteLine("no root CA in the database");
            return 3;
        }

        Console.WriteLine("ready");
        Console.Out.Flush();
        _ = Console.ReadLine();

        var output = new Lock();
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                int n = Interlocked.Increment(ref next);
                var created = await authorities.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
                {
                    Name = $"churn-{Environment.ProcessId}-{n}",
                    Parent = CaReference.ById(root.Id),
                    Subject = DistinguishedName.Create(commonName: $"Churn {n}"),
                    KeyAlgorithm = KeyAlgorithm.EcdsaP256,
                    ValidityDays = 30,
                });
                var record = await certificates.FindBySerialNumberAsync(root.Id, created.SerialNumber, CancellationToken.None)
                    ?? throw new InvalidOperationException("The subordinate CA has no certificate record at its parent.");
                await revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(record.Id), Reason = RevocationReason.Superseded });
                await authorities.IssueAsync(new IssueCertificateRequest
                {
                    Authority = CaReference.ById(root.Id),
                    Profile = CertificateProfiles.Client,
                    CommonName = $"escrow-{n}",
                    IncludePrivateKey = true,
                });
                lock (output)
                {
                    Console.WriteLine("done");
                    Console.Out.Flush();
                }
            }
        })));
        return 0;
    }
}
