using Pki.Core.Audit;

namespace Pki.Core.Tests.Audit;

/// <summary>
/// The hash of an audit event is part of every stored log: logs written by an earlier version must still verify, so the
/// serialization it hashes may never change. These vectors pin it.
/// </summary>
public sealed class AuditHasherTests
{
    private static readonly AuditEvent Sample = new()
    {
        Sequence = 42,
        Timestamp = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
        Actor = "alice",
        ActorOrganization = "Acme Corp",
        Action = "certificate.sign-csr",
        ObjectType = "certificate",
        ObjectId = "0193a1b2c3d4e5f6",
        AuthorityId = "ca-1",
        Outcome = AuditOutcome.Failure,
        ErrorCode = PkiErrorCode.PolicyViolation,
        CorrelationId = "4bf92f3577b34da6a3ce929d0e0e4736",
        PreviousHash = AuditHasher.GenesisHash,
        Hash = string.Empty,
    };

    [Fact]
    public void The_hash_of_a_full_event_is_stable_across_versions() =>
        Assert.Equal("64612eec3b86a19c1a0d8c5e2e0e12fd574e22ae2f850e629997c94800d4ceb1", AuditHasher.Compute(Sample));

    [Fact]
    public void The_hash_of_an_event_with_absent_fields_and_non_ascii_text_is_stable_across_versions() =>
        Assert.Equal("04bef79725c74ef67e9796f37bfc9124f7b940989af64ba6ad32071fb070f12e", AuditHasher.Compute(Sample with
        {
            Actor = "Zoë 🔑",
            ActorOrganization = null,
            ObjectId = null,
            AuthorityId = null,
            Outcome = AuditOutcome.Success,
            ErrorCode = null,
            CorrelationId = null,
        }));
}
