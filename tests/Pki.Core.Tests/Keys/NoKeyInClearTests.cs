using System.Text.Json;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys;

/// <summary>No private key sits in a store in clear: every stored record, serialized, contains no PKCS#8 DER or PEM body of any key.</summary>
public sealed class NoKeyInClearTests
{
    [Fact]
    public async Task Serialized_stores_contain_no_private_key_in_clear()
    {
        using var host = new PkiTestHost();
        var (root, issuing) = await host.CreateHierarchyAsync(KeyAlgorithm.Rsa2048, KeyAlgorithm.EcdsaP384);
        var generator = host.Get<ICsrGenerator>();
        var exporter = host.Get<IPrivateKeyExporter>();
        var certificateIds = new List<string>();
        foreach (var spec in new[] { KeySpecification.Parse("ECC", 256), KeySpecification.Parse("RSA", 2048), KeySpecification.Parse("Ed25519"), KeySpecification.Parse("ECC", 521) })
        {
            var generated = await generator.GenerateAsync(new GenerateCsrRequest { Subject = DistinguishedName.Parse("CN=leak.example.com"), Key = spec });
            var fromCsr = await host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CsrPem = generated.CsrPem });
            var escrowed = await host.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=e.example.com"), Key = spec });
            certificateIds.AddRange([fromCsr.Record.Id, escrowed.Record.Id]);
        }

        // The keys in clear, as the exporter and the protector give them.
        var secrets = new List<byte[]>();
        foreach (string id in certificateIds)
        {
            var pem = (await exporter.ExportAsync(id, PrivateKeyExportFormat.Pkcs8Pem, null)).Pem!;
            secrets.Add(Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))));
        }

        var keys = host.Get<IPrivateKeyStore>();
        var protector = host.Get<IPrivateKeyProtector>();
        foreach (var authority in new[] { root, issuing })
        {
            var stored = await keys.GetAsync(authority.KeyId, CancellationToken.None);
            secrets.Add(await protector.UnprotectAsync(stored!.Id, stored.ProtectedPkcs8, CancellationToken.None));
        }

        // Everything the stores hold, serialized.
        var evidence = new List<string>();
        var rawBlobs = new List<byte[]>();
        await foreach (var stored in keys.ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None))
        {
            evidence.Add(JsonSerializer.Serialize(stored));
            evidence.Add(stored.ToString());
            rawBlobs.Add(stored.ProtectedPkcs8.ToArray());
        }

        await foreach (var certificate in host.Authority.ListCertificatesAsync(new CertificateQuery { Limit = 1000 }))
        {
            evidence.Add(certificate.ToString());
            evidence.Add(certificate.CertificatePem);
            evidence.Add(certificate.Csr ?? "");
        }

        await foreach (var authority in host.Authority.ListAsync())
        {
            evidence.Add(authority.ToString());
        }

        Assert.Equal(10, rawBlobs.Count);
        Assert.Equal(10, secrets.Count);
        foreach (byte[] secret in secrets)
        {
            string base64 = Convert.ToBase64String(secret);
            string[] needles = [base64, base64[..64], base64[^40..], Convert.ToHexString(secret), Convert.ToHexString(secret[^32..])];
            foreach (string text in evidence)
            {
                foreach (string needle in needles)
                {
                    Assert.DoesNotContain(needle, text, StringComparison.OrdinalIgnoreCase);
                }
            }

            foreach (byte[] blob in rawBlobs)
            {
                Assert.True(blob.AsSpan().IndexOf(secret.AsSpan(secret.Length - 32)) < 0, "A stored blob holds the end of a private key in clear.");
            }
        }
    }
}
