using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="IAuditStore"/> in process memory: append-only, gap-free, thread-safe.</summary>
internal sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _gate = new();
    private readonly List<AuditEvent> _events = [];

    public ValueTask<AuditEvent?> GetLastAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_events.Count == 0 ? null : _events[^1]);
        }
    }

    public ValueTask<AuditEvent> AppendAsync(Func<AuditEvent?, AuditEvent> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        cancellationToken.ThrowIfCancellationRequested();
        var undo = InMemoryUndoLog.Current();
        AuditEvent auditEvent;
        lock (_gate)
        {
            auditEvent = AuditChain.Next(_events.Count == 0 ? null : _events[^1], next);
            _events.Add(auditEvent);
        }

        // Taken back only while it is still the last event: one appended after it chains on from it.
        undo?.Add(() =>
        {
            lock (_gate)
            {
                if (_events.Count > 0 && ReferenceEquals(_events[^1], auditEvent))
                {
                    _events.RemoveAt(_events.Count - 1);
                }
            }
        });
        return ValueTask.FromResult(auditEvent);
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<AuditEvent> page;
        lock (_gate)
        {
            int start = (int)Math.Clamp(query.AfterSequence, 0, _events.Count);
            page = _events.Skip(start).Where(query.Matches).Take(query.Limit).ToList();
        }

        foreach (var auditEvent in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return auditEvent;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Test hook: replaces the stored events wholesale (to simulate tampering at rest).</summary>
    internal void Tamper(Func<List<AuditEvent>, List<AuditEvent>> change)
    {
        lock (_gate)
        {
            var changed = change([.. _events]);
            _events.Clear();
            _events.AddRange(changed);
        }
    }
}
