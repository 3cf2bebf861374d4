using System.Net;
using System.Security.Cryptography;
using Pki.Core;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

public sealed class EndToEndTests
{
    [Fact]
    public async Task Everything_stored_through_AddPki_UseSqlite_is_there_after_a_restart_and_the_CA_keys_still_sign()
    {
        using var file = new TempDatabase();
        byte[] keyEncryptionKey = RandomNumberGenerator.GetBytes(32);

        AuthorityRecord root, issuing;
        CertificateRecord issued, redeemed;
        RequestTokenRecord usedToken;
        using (var first = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey))
        {
            (root, issuing) = await first.CreateHierarchyAsync();
            issued = (await first.Authority.IssueAsync(new IssueCertificateRequest
            {
                Authority = CaReference.ById(issuing.Id),
                Profile = CertificateProfiles.Server,
                CommonName = "api.example.com",
                SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["api.example.com", "www.example.com"], ipAddresses: [IPAddress.Parse("192.0.2.7")]),
                Organization = "Acme Corp",
            })).Record;
            var token = await first.Tokens.CreateAsync(new CreateRequestTokenRequest
            {
                Name = "laptop-42",
                Authority = CaReference.ByName("Issuing", "Acme Corp"),
                CommonName = "alice@example.com",
                OwnerOrganization = "Acme Corp",
            });
            redeemed = (await first.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) })).Record;
            usedToken = await first.Tokens.GetAsync(token.Token.Id);
        }

        using var second = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey);

        Assert.Equal(root, await second.Authority.GetAsync(CaReference.ById(root.Id)));
        Assert.Equal(issuing, await second.Authority.GetAsync(CaReference.ByName("Issuing", "Acme Corp")));
        Assert.Equal(issued, await second.Authority.GetCertificateAsync(issued.Id));
        Assert.Equal(redeemed, await second.Authority.GetCertificateAsync(redeemed.Id));
        Assert.Equal(usedToken, await second.Tokens.GetAsync(usedToken.Id));
        Assert.Equal(RequestTokenState.Used, usedToken.State);
        Assert.Equal(redeemed.Id, usedToken.CertificateId);
        Assert.Equal(usedToken.Id, redeemed.TokenId);
        var listed = new List<string>();
        await foreach (var certificate in second.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = issuing.Id }))
        {
            listed.Add(certificate.Id);
        }

        Assert.Equal(new[] { issued.Id, redeemed.Id }.Order(StringComparer.Ordinal), listed);

        // The CA key was stored encrypted; with the same key-encryption key the restarted host signs with it.
        var afterRestart = await second.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "bob@example.com",
        });
        using var certificate2 = afterRestart.ToX509Certificate2();
        Assert.Equal(issuing.Subject.ToX500DistinguishedName().Name, certificate2.IssuerName.Name);

        // The audit log reads back intact from the file (the engine's operations start writing events with governance).
        var verification = await second.Audit.VerifyAsync();
        Assert.True(verification.IsIntact, verification.Reason);
    }

    [Fact]
    public async Task A_host_restarted_with_another_key_encryption_key_cannot_sign_and_says_it_is_a_server_fault()
    {
        using var file = new TempDatabase();
        AuthorityRecord issuing;
        using (var first = new SqlitePkiHost(file.ConnectionString, RandomNumberGenerator.GetBytes(32)))
        {
            (_, issuing) = await first.CreateHierarchyAsync();
        }

        using var misconfigured = new SqlitePkiHost(file.ConnectionString, RandomNumberGenerator.GetBytes(32));
        var refused = await Assert.ThrowsAsync<PkiException>(() => misconfigured.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "bob@example.com",
        }).AsTask());

        Assert.Equal(PkiErrorCode.KeyUnavailable, refused.Code);
        Assert.Equal(500, refused.HttpStatusCode); // not the caller's fault: no 400 for a server misconfiguration
        Assert.Equal(PkiErrorCode.KeyUnavailable, (await Assert.ThrowsAsync<PkiException>(
            () => misconfigured.Get<IRevocationService>().CreateCrlAsync(CaReference.ById(issuing.Id)).AsTask())).Code);
    }

    [Fact]
    public async Task A_second_redemption_after_a_restart_is_refused_as_already_used()
    {
        using var file = new TempDatabase();
        byte[] keyEncryptionKey = RandomNumberGenerator.GetBytes(32);
        string secret;
        using (var first = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey))
        {
            var (_, issuing) = await first.CreateHierarchyAsync();
            var token = await first.Tokens.CreateAsync(new CreateRequestTokenRequest { Name = "once", Authority = CaReference.ById(issuing.Id) });
            secret = token.Secret;
            await first.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) });
        }

        using var second = new SqlitePkiHost(file.ConnectionString, keyEncryptionKey);
        var error = await Assert.ThrowsAsync<PkiException>(async () =>
            await second.Tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = secret, Csr = CsrInput.FromPem(SqlitePkiHost.Csr()) }));
        Assert.Equal(PkiErrorCode.TokenAlreadyUsed, error.Code);
    }
}
