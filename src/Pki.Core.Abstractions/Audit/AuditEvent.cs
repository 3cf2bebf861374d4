namespace Pki.Core;

/// <summary>
/// One entry of the tamper-evident audit log: who did what to which object, when, and how it ended. Events are
/// numbered without gaps and each carries the SHA-256 of its content chained over the previous event's hash.
/// Never contains a private key or a token secret.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>The position in the log, starting at 1, without gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the event was written.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The caller's subject.</summary>
    public required string Actor { get; init; }

    /// <summary>The caller's organization, or null.</summary>
    public string? ActorOrganization { get; init; }

    /// <summary>What was done, e.g. <c>certificate.issue</c>, <c>certificate.revoke</c>, <c>key.export</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The kind of object: <c>authority</c>, <c>certificate</c>, <c>token</c>, <c>key</c>, <c>crl</c>.</summary>
    public required string ObjectType { get; init; }

    /// <summary>The object's id, or null when the operation failed before one existed.</summary>
    public string? ObjectId { get; init; }

    /// <summary>The CA the operation concerned, or null.</summary>
    public string? AuthorityId { get; init; }

    /// <summary>How it ended.</summary>
    public required AuditOutcome Outcome { get; init; }

    /// <summary>The error code of a failure or denial, or null.</summary>
    public PkiErrorCode? ErrorCode { get; init; }

    /// <summary>Correlates the event with the host's request (for example <c>Activity.Current.TraceId</c>).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The hash of the previous event (lower-case hex; 64 zeros for the first).</summary>
    public required string PreviousHash { get; init; }

    /// <summary>SHA-256 over this event's fields and <see cref="PreviousHash"/> (lower-case hex).</summary>
    public required string Hash { get; init; }
}
