using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="ICertificateStore"/> in process memory; thread-safe, O(log n) paging by id.</summary>
/// <remarks>
/// <see cref="PurgeExpiredAsync"/> removes escrowed keys from the <see cref="InMemoryPrivateKeyStore"/> it was given (with
/// another key store, keys stay) and skips certificates the <see cref="InMemoryRequestTokenStore"/> built over it references.
/// </remarks>
internal sealed partial class InMemoryCertificateStore : ICertificateStore
{
    private readonly InMemoryPrivateKeyStore? _keys;
    private readonly Lock _gate = new();
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CertificateRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AuthorityId, SerialNumber Serial), string> _bySerial = [];

    /// <summary>Per CA, the ids of certificates that are not active or whose status ever changed (what revocation lists).</summary>
    private readonly Dictionary<string, HashSet<string>> _revocationIndex = new(StringComparer.Ordinal);

    /// <summary>A store whose purges remove no private keys (tests of the certificate contract alone).</summary>
    public InMemoryCertificateStore()
    {
    }

    /// <summary>A store whose purges also remove the escrowed keys only purged certificates referenced.</summary>
    public InMemoryCertificateStore(IPrivateKeyStore keys) => _keys = keys as InMemoryPrivateKeyStore;

    public ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var serialKey = (certificate.CertificateAuthority.Id, certificate.SerialNumber);
        lock (_gate)
        {
            if (_bySerial.ContainsKey(serialKey))
            {
                throw new PkiException(PkiErrorCode.DuplicateSerialNumber,
                    $"CA '{certificate.CertificateAuthority.Id}' already has a certificate with serial number {certificate.SerialNumberHex}.");
            }

            if (_byId.ContainsKey(certificate.Id))
            {
                throw new PkiException(PkiErrorCode.Conflict, $"A certificate with id '{certificate.Id}' already exists.");
            }

            _byId.Add(certificate.Id, certificate);
            _bySerial.Add(serialKey, certificate.Id);
            _ids.Add(certificate.Id);
            IndexRevocation(certificate);
            _keyReferences.Add(certificate.PrivateKeyId, +1);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(id));
        }
    }

    public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_bySerial.TryGetValue((authorityId, serialNumber), out string? id) ? _byId[id] : null);
        }
    }

    /// <summary>The compare-and-set behind <see cref="InMemoryRevocationStore.TryChangeStatusAsync"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>.</exception>
    internal CertificateRecord? TryChangeStatus(CertificateStatusChange change)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(change.CertificateId, out var current))
            {
                throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{change.CertificateId}' does not exist.");
            }

            if (current.Status != change.ExpectedStatus)
            {
                return null;
            }

            var updated = current with
            {
                Status = change.NewStatus,
                RevocationReason = change.Reason,
                RevokedAt = change.RevokedAt,
                InvalidityDate = change.InvalidityDate,
                RevocationComment = change.Comment,
                StatusChangedAt = change.ChangedAt,
            };
            _byId[current.Id] = updated;
            IndexRevocation(updated);
            return updated;
        }
    }

    /// <summary>A snapshot of the revocation entries of one CA matching <paramref name="query"/>.</summary>
    internal List<RevocationEntry> RevocationEntries(RevocationEntryQuery query)
    {
        lock (_gate)
        {
            if (!_revocationIndex.TryGetValue(query.AuthorityId, out var ids))
            {
                return [];
            }

            var entries = new List<RevocationEntry>(ids.Count);
            foreach (string id in ids)
            {
                var record = _byId[id];
                var entry = new RevocationEntry(record.Id, record.SerialNumber, record.Status, record.RevocationReason, record.RevokedAt,
                    record.InvalidityDate, record.ExpiresOn, record.StatusChangedAt);
                if (query.Matches(entry))
                {
                    entries.Add(entry);
                }
            }

            return entries;
        }
    }

    private void IndexRevocation(CertificateRecord record)
    {
        if (record.Status == CertificateStatus.Active && record.StatusChangedAt is null)
        {
            return;
        }

        string authorityId = record.CertificateAuthority.Id;
        if (!_revocationIndex.TryGetValue(authorityId, out var ids))
        {
            _revocationIndex[authorityId] = ids = new HashSet<string>(StringComparer.Ordinal);
        }

        ids.Add(record.Id);
    }

    public async IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no record matches
        var page = new List<CertificateRecord>(Math.Min(query.Limit, 128));
        lock (_gate)
        {
            IEnumerable<string> ids = query.After is null || _ids.Count == 0
                ? _ids
                : string.CompareOrdinal(query.After, _ids.Max) >= 0 ? [] : _ids.GetViewBetween(query.After, _ids.Max!);
            foreach (string id in ids)
            {
                if (page.Count == query.Limit)
                {
                    break;
                }

                var record = _byId[id];
                if (id != query.After && query.Matches(record))
                {
                    page.Add(record);
                }
            }
        }

        foreach (var record in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
