using System.Collections.Concurrent;

namespace Pki.Core.Authority;

/// <summary>
/// Active CA records as the issuance path last read them, reused for up to <see cref="Lifetime"/>, so that an issuance
/// does not read its CA and each CA above it from the store every time.
/// </summary>
/// <remarks>
/// Safe because a CA record changes only in its status, and every store checks the status of the issuing CA and of the
/// CAs above it again when it stores the certificate, atomically with the insert (see
/// <see cref="ICertificateStore.AddAsync"/>): an issuance that starts on a record revoked moments ago — by another host,
/// or by this one while the record was being read — is refused there with <see cref="PkiErrorCode.AuthorityUnavailable"/>
/// and stores nothing. Only records that are <see cref="AuthorityStatus.Active"/> are kept (a reactivation is seen at once),
/// and a status change made through this host drops the record at once (<see cref="Forget"/>).
/// </remarks>
internal sealed class ActiveAuthorityCache(TimeProvider time)
{
    /// <summary>How long an active record is reused: the most an issuance can lag behind another host's revocation before
    /// it is refused already when it starts rather than when it stores its certificate.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    // Name lookups resolve to an id (a CA keeps its name and organization for life; a mapping is replaced when a read
    // finds the name on another CA, one created after a CA whose creation was taken back); the record comes from _byId.
    private readonly ConcurrentDictionary<(string Name, string? Organization), string> _idByName = new();

    /// <summary>The record of <paramref name="id"/> if it was read as active less than <see cref="Lifetime"/> ago.</summary>
    public AuthorityRecord? Find(string id) =>
        _byId.TryGetValue(id, out var entry) && time.GetElapsedTime(entry.ReadAt) < Lifetime ? entry.Record : null;

    /// <summary>The record of the CA named <paramref name="name"/> in <paramref name="organization"/>, as <see cref="Find(string)"/>.</summary>
    public AuthorityRecord? Find(string name, string? organization) =>
        _idByName.TryGetValue((name, organization), out var id) ? Find(id) : null;

    /// <summary>Keeps <paramref name="record"/>, read from the store just now, if it is active; otherwise drops any earlier one.</summary>
    public void Remember(AuthorityRecord record)
    {
        if (record.Status != AuthorityStatus.Active)
        {
            Forget(record.Id);
            return;
        }

        _byId[record.Id] = new Entry(record, time.GetTimestamp());
        _idByName[(record.Name, record.Organization)] = record.Id;
    }

    /// <summary>Drops the record of <paramref name="id"/>: the next issuance under it reads the store.</summary>
    public void Forget(string id) => _byId.TryRemove(id, out _);

    private sealed record Entry(AuthorityRecord Record, long ReadAt);
}
