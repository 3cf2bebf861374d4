namespace Pki.Core;

/// <summary>For <see cref="IAuditStore"/> implementations: builds the next event of the log and checks its place in it.</summary>
public static class AuditChain
{
    /// <summary>
    /// Calls <paramref name="next"/> with <paramref name="last"/> and returns its event, after checking that the event's
    /// sequence is exactly one more than <paramref name="last"/>'s (1 for an empty log).
    /// </summary>
    /// <exception cref="ArgumentException">The built event is null or does not take the next sequence number.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the event holds a value no store can
    /// hold (<see cref="StoreInputRules.ThrowIfNotStorable(AuditEvent)"/>).</exception>
    public static AuditEvent Next(AuditEvent? last, Func<AuditEvent?, AuditEvent> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var auditEvent = next(last);
        long expected = (last?.Sequence ?? 0) + 1;
        if (auditEvent is null || auditEvent.Sequence != expected)
        {
            throw new ArgumentException(
                $"The audit event built after sequence {expected - 1} must take sequence {expected}, not {auditEvent?.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.",
                nameof(next));
        }

        StoreInputRules.ThrowIfNotStorable(auditEvent);
        return auditEvent;
    }
}
