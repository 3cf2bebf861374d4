namespace Pki.Core;

/// <summary>Filters audit events; results are ordered by sequence. Pass the last sequence seen as <see cref="AfterSequence"/> for the next page.</summary>
public sealed record AuditQuery
{
    /// <summary>Only events at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events of this actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Only events about this object id.</summary>
    public string? ObjectId { get; init; }

    /// <summary>Only events with this action.</summary>
    public string? Action { get; init; }

    /// <summary>Only events after this sequence number (paging).</summary>
    public long AfterSequence { get; init; }

    /// <summary>The largest number of results (1 to 1000). Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>True when <paramref name="auditEvent"/> passes every filter (paging aside). Stores may use it.</summary>
    public bool Matches(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return (From is null || auditEvent.Timestamp >= From)
            && (To is null || auditEvent.Timestamp < To)
            && (Actor is null || auditEvent.Actor == Actor)
            && (ObjectId is null || auditEvent.ObjectId == ObjectId)
            && (Action is null || auditEvent.Action == Action);
    }
}
