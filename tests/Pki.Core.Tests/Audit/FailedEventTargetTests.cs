using Pki.Core.Tests.Revocation;

namespace Pki.Core.Tests.Audit;

/// <summary>A refused revocation or reactivation of a certificate the caller may act on names that certificate and its CA in
/// its failure event, as the success would: the CA's administrators see the attempts on its certificates.</summary>
public sealed class FailedEventTargetTests
{
    [Fact]
    public async Task A_second_revocation_and_a_reactivation_of_an_active_certificate_name_the_certificate_in_their_failure_events()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var revoked = await pki.IssueClientAsync("twice@example.com");
        var active = await pki.IssueClientAsync("active@example.com");
        await pki.RevokeAsync(revoked);

        Assert.Equal(PkiErrorCode.AlreadyRevoked, (await Assert.ThrowsAsync<PkiException>(() => pki.RevokeAsync(revoked))).Code);
        Assert.Equal(PkiErrorCode.Conflict, (await Assert.ThrowsAsync<PkiException>(() => pki.ReactivateAsync(active))).Code);

        var audit = pki.Host.Get<IAuditLog>();
        var failedRevocation = Assert.Single(await audit.QueryAsync(new AuditQuery { Action = "certificate.revoke" }).Where(e => e.Outcome == AuditOutcome.Failure).ToListAsync());
        Assert.Equal((revoked.Record.Id, pki.Issuing.Id, PkiErrorCode.AlreadyRevoked), (failedRevocation.ObjectId, failedRevocation.AuthorityId, failedRevocation.ErrorCode));
        var failedReactivation = Assert.Single(await audit.QueryAsync(new AuditQuery { Action = "certificate.reactivate" }).ToListAsync());
        Assert.Equal((active.Record.Id, pki.Issuing.Id), (failedReactivation.ObjectId, failedReactivation.AuthorityId));
    }

    [Fact]
    public async Task A_revocation_of_a_certificate_that_does_not_exist_names_nothing()
    {
        using var pki = await RevocationFixture.CreateAsync();

        await Assert.ThrowsAsync<PkiException>(() => pki.Revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById("missing") }).AsTask());

        var failed = Assert.Single(await pki.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { Action = "certificate.revoke" }).ToListAsync());
        Assert.Null(failed.ObjectId); // the caller's input is not recorded as if it named a certificate
    }
}
