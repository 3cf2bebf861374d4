namespace Pki.Core;

/// <summary>The result of checking the audit log's hash chain.</summary>
/// <param name="IsIntact">True when every event's hash and link are correct and the sequence has no gap.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="FirstBrokenSequence">The sequence number where the chain first breaks, or null.</param>
/// <param name="Reason">Why it breaks there (edited, deleted or reordered event), or null.</param>
public sealed record AuditVerification(bool IsIntact, long EventsChecked, long? FirstBrokenSequence, string? Reason);
