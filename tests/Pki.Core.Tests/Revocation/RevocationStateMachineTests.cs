using Pki.Core.Revocation;

namespace Pki.Core.Tests.Revocation;

/// <summary>Every allowed and every forbidden edge of the status state machine, in both publication modes.</summary>
public sealed class RevocationStateMachineTests
{
    private const RevocationReason Hold = RevocationReason.CertificateHold;
    private const RevocationReason Final = RevocationReason.KeyCompromise;

    public static TheoryData<CertificateStatus, RevocationReason, bool, CertificateStatus> AllowedRevocations => new()
    {
        { CertificateStatus.Active, Final, false, CertificateStatus.Revoked },
        { CertificateStatus.Active, RevocationReason.Unspecified, false, CertificateStatus.Revoked },
        { CertificateStatus.Active, Hold, false, CertificateStatus.OnHold },
        { CertificateStatus.Active, Final, true, CertificateStatus.PendingRevocation },
        { CertificateStatus.Active, Hold, true, CertificateStatus.PendingRevocation },
        { CertificateStatus.OnHold, Final, false, CertificateStatus.Revoked },
        { CertificateStatus.OnHold, Final, true, CertificateStatus.Revoked },
        { CertificateStatus.PendingReactivation, Final, true, CertificateStatus.Revoked },
        { CertificateStatus.PendingReactivation, Final, false, CertificateStatus.Revoked },
    };

    public static TheoryData<CertificateStatus, RevocationReason, bool> ForbiddenRevocations => new()
    {
        { CertificateStatus.Revoked, Final, false },
        { CertificateStatus.Revoked, Hold, false },
        { CertificateStatus.Revoked, Final, true },
        { CertificateStatus.OnHold, Hold, false },
        { CertificateStatus.OnHold, Hold, true },
        { CertificateStatus.PendingRevocation, Final, true },
        { CertificateStatus.PendingRevocation, Hold, true },
        { CertificateStatus.PendingReactivation, Hold, true },
    };

    public static TheoryData<CertificateStatus, bool, CertificateStatus> AllowedReactivations => new()
    {
        { CertificateStatus.OnHold, false, CertificateStatus.Active },
        { CertificateStatus.OnHold, true, CertificateStatus.PendingReactivation },
    };

    public static TheoryData<CertificateStatus, bool, PkiErrorCode> ForbiddenReactivations => new()
    {
        { CertificateStatus.Revoked, false, PkiErrorCode.AlreadyRevoked },
        { CertificateStatus.Revoked, true, PkiErrorCode.AlreadyRevoked },
        { CertificateStatus.Active, false, PkiErrorCode.Conflict },
        { CertificateStatus.Active, true, PkiErrorCode.Conflict },
        { CertificateStatus.PendingRevocation, true, PkiErrorCode.Conflict },
        { CertificateStatus.PendingReactivation, true, PkiErrorCode.Conflict },
    };

    [Theory]
    [MemberData(nameof(AllowedRevocations))]
    public void Allowed_revocation_edges(CertificateStatus from, RevocationReason reason, bool asynchronous, CertificateStatus to) =>
        Assert.Equal(to, RevocationStateMachine.Revoke(from, reason, asynchronous));

    [Theory]
    [MemberData(nameof(ForbiddenRevocations))]
    public void Forbidden_revocation_edges_are_AlreadyRevoked_409(CertificateStatus from, RevocationReason reason, bool asynchronous)
    {
        var ex = Assert.Throws<PkiException>(() => RevocationStateMachine.Revoke(from, reason, asynchronous));
        Assert.Equal(PkiErrorCode.AlreadyRevoked, ex.Code);
        Assert.Equal(409, ex.HttpStatusCode);
    }

    [Theory]
    [MemberData(nameof(AllowedReactivations))]
    public void Allowed_reactivation_edges(CertificateStatus from, bool asynchronous, CertificateStatus to) =>
        Assert.Equal(to, RevocationStateMachine.Reactivate(from, asynchronous));

    [Theory]
    [MemberData(nameof(ForbiddenReactivations))]
    public void Forbidden_reactivation_edges(CertificateStatus from, bool asynchronous, PkiErrorCode code)
    {
        var ex = Assert.Throws<PkiException>(() => RevocationStateMachine.Reactivate(from, asynchronous));
        Assert.Equal(code, ex.Code);
        Assert.Equal(409, ex.HttpStatusCode);
    }

    [Theory]
    [InlineData(CertificateStatus.PendingRevocation, RevocationReason.KeyCompromise, CertificateStatus.Revoked)]
    [InlineData(CertificateStatus.PendingRevocation, RevocationReason.CertificateHold, CertificateStatus.OnHold)]
    [InlineData(CertificateStatus.PendingReactivation, RevocationReason.CertificateHold, CertificateStatus.Active)]
    public void Publication_makes_pending_statuses_effective(CertificateStatus from, RevocationReason reason, CertificateStatus to) =>
        Assert.Equal(to, RevocationStateMachine.Publish(from, reason));

    [Theory]
    [InlineData(CertificateStatus.Active)]
    [InlineData(CertificateStatus.OnHold)]
    [InlineData(CertificateStatus.Revoked)]
    public void Publication_leaves_effective_statuses_alone(CertificateStatus status) =>
        Assert.Null(RevocationStateMachine.Publish(status, RevocationReason.KeyCompromise));

    [Theory]
    [InlineData(CertificateStatus.Active, null)]
    [InlineData(CertificateStatus.PendingRevocation, null)]
    [InlineData(CertificateStatus.OnHold, RevocationReason.CertificateHold)]
    [InlineData(CertificateStatus.PendingReactivation, RevocationReason.CertificateHold)]
    [InlineData(CertificateStatus.Revoked, RevocationReason.Superseded)]
    public void What_CRLs_and_OCSP_publish_for_each_status(CertificateStatus status, RevocationReason? published) =>
        Assert.Equal(published, RevocationStateMachine.Published(status, status == CertificateStatus.Revoked ? RevocationReason.Superseded : RevocationReason.CertificateHold));

    [Theory]
    [InlineData(RevocationReason.RemoveFromCrl)]
    [InlineData((RevocationReason)7)]
    [InlineData((RevocationReason)11)]
    [InlineData((RevocationReason)(-1))]
    public void Unrequestable_reasons_are_invalid_requests(RevocationReason reason)
    {
        var ex = Assert.Throws<PkiException>(() => RevocationStateMachine.Revoke(CertificateStatus.Active, reason, asynchronous: false));
        Assert.Equal(PkiErrorCode.InvalidRequest, ex.Code);
    }
}
