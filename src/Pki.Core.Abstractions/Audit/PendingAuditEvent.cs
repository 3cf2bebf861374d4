namespace Pki.Core;

/// <summary>
/// The success event of the audited operation in progress, offered to the store that makes the operation's change so
/// that it can write the event in the same transaction: the change and its record then commit together (or not at
/// all), and the operation costs one commit instead of two. A store that does not take it loses nothing: the engine
/// appends the event itself after the operation, as before.
/// </summary>
/// <remarks>
/// <para>The engine opens one with <see cref="Begin"/> around each audited operation; it flows with the operation's
/// async calls (<see cref="AsyncLocal{T}"/>). A store that inserts the object the event will name calls
/// <see cref="TryTake"/> before its write, appends the returned builder's event with its own
/// <see cref="IAuditStore"/> logic inside the write's transaction, and then reports <see cref="Written"/> after the
/// commit or <see cref="Release"/> when the write failed. Only one store write can take the event.</para>
/// </remarks>
public sealed class PendingAuditEvent : IDisposable
{
    private static readonly AsyncLocal<PendingAuditEvent?> Ambient = new();

    private readonly string _objectType;
    private readonly Func<string, string?, Func<AuditEvent?, AuditEvent>> _builderFor;
    private readonly PendingAuditEvent? _outer;
    private readonly Lock _gate = new();
    private bool _taken;

    private PendingAuditEvent(string objectType, Func<string, string?, Func<AuditEvent?, AuditEvent>> builderFor, PendingAuditEvent? outer)
    {
        _objectType = objectType;
        _builderFor = builderFor;
        _outer = outer;
    }

    /// <summary>The pending event of the operation this code runs in, or null.</summary>
    public static PendingAuditEvent? Current => Ambient.Value;

    /// <summary>The event a store wrote for this operation, once its transaction committed; otherwise null.</summary>
    public AuditEvent? WrittenEvent { get; private set; }

    /// <summary>
    /// Makes a pending event current for the calling async flow until it is disposed. Used by the engine around an
    /// audited operation.
    /// </summary>
    /// <param name="objectType">The type of object the operation's event names, for example <c>certificate</c>.</param>
    /// <param name="builderFor">Given the object's id and its CA's id, the builder of the success event (see
    /// <see cref="IAuditStore.AppendAsync"/>).</param>
    internal static PendingAuditEvent Begin(string objectType, Func<string, string?, Func<AuditEvent?, AuditEvent>> builderFor)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        ArgumentNullException.ThrowIfNull(builderFor);
        var pending = new PendingAuditEvent(objectType, builderFor, Ambient.Value);
        Ambient.Value = pending;
        return pending;
    }

    /// <summary>
    /// Hides the pending event from the stores for the rest of the calling async method (an <see cref="AsyncLocal{T}"/>
    /// change does not flow back to its caller): for a change the operation makes on the way that its event does not
    /// name, such as the base CRL a delta CRL creation makes first.
    /// </summary>
    internal static void HideInThisMethod() => Ambient.Value = null;

    /// <summary>
    /// Takes the event for a store that is about to insert object <paramref name="objectId"/> of type
    /// <paramref name="objectType"/> (of CA <paramref name="authorityId"/>): returns the builder to append inside the
    /// insert's transaction, or null when there is nothing to take (another type, or already taken).
    /// </summary>
    public Func<AuditEvent?, AuditEvent>? TryTake(string objectType, string objectId, string? authorityId)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        ArgumentNullException.ThrowIfNull(objectId);
        lock (_gate)
        {
            if (_taken || WrittenEvent is not null || !string.Equals(objectType, _objectType, StringComparison.Ordinal))
            {
                return null;
            }

            _taken = true;
        }

        return _builderFor(objectId, authorityId);
    }

    /// <summary>The transaction that wrote <paramref name="auditEvent"/> (taken with <see cref="TryTake"/>) committed.</summary>
    public void Written(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        lock (_gate)
        {
            WrittenEvent = auditEvent;
        }
    }

    /// <summary>The write that took the event rolled back: the event can be taken again (or is appended by the engine).</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (WrittenEvent is null)
            {
                _taken = false;
            }
        }
    }

    /// <summary>Ends the scope: the pending event of the enclosing operation (if any) becomes current again.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(Ambient.Value, this))
        {
            Ambient.Value = _outer;
        }
    }
}
