using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="ICertificateStore"/> in process memory; thread-safe, O(log n) paging by id.</summary>
/// <remarks>
/// <para>
/// Records are kept packed (<see cref="PackedCertificate"/>): a few heap objects per certificate, most bytes in one array
/// the garbage collector does not scan. Reads unpack a new record each time; queries filter on the packed form.
/// </para>
/// <para>
/// <see cref="PurgeExpiredAsync"/> removes escrowed keys from the <see cref="InMemoryPrivateKeyStore"/> it was given (with
/// another key store, keys stay) and skips certificates the <see cref="InMemoryRequestTokenStore"/> built over it references.
/// </para>
/// </remarks>
internal sealed partial class InMemoryCertificateStore : ICertificateStore
{
    private readonly InMemoryPrivateKeyStore? _keys;
    private InMemoryAuthorityStore? _issuers;
    private readonly Lock _gate = new();
    private readonly SortedSet<string> _ids = new(StoreIdOrder.Instance);
    private readonly Dictionary<string, PackedCertificate> _byId = new(StringComparer.Ordinal);

    /// <summary>Every record once, found by CA id and serial number read from the packed fields.</summary>
    private readonly HashSet<PackedCertificate> _bySerial = new(PackedSerialNumberComparer.Instance);

    /// <summary>Per CA, the ids of certificates that are not active or whose status ever changed (what revocation lists).</summary>
    private readonly Dictionary<string, HashSet<string>> _revocationIndex = new(StringComparer.Ordinal);

    /// <summary>Per CA, the last status-change sequence number given (see <see cref="IRevocationStore.TryChangeStatusAsync"/>).</summary>
    private readonly Dictionary<string, long> _changeSequences = new(StringComparer.Ordinal);

    /// <summary>The numbers of status changes taken back (by certificate id), until the certificate changes again or goes.</summary>
    private readonly Dictionary<string, long> _restoredSequences = new(StringComparer.Ordinal);

    private readonly InternPool<AuthoritySummary> _authorities = new();
    private readonly InternPool<string> _organizations = new(StringComparer.Ordinal);

    /// <summary>A store whose purges remove no private keys (tests of the certificate contract alone).</summary>
    public InMemoryCertificateStore()
    {
    }

    /// <summary>A store whose purges also remove the escrowed keys only purged certificates referenced.</summary>
    public InMemoryCertificateStore(IPrivateKeyStore keys)
    {
        _keys = keys as InMemoryPrivateKeyStore;
        _keys?.AttachReferences(InMemoryPrivateKeyStore.KeyReferrer.Certificates, id =>
        {
            lock (_gate)
            {
                return _keyReferences.Contains(id);
            }
        });
    }

    /// <summary>The in-memory key store this store was built over, or null.</summary>
    internal InMemoryPrivateKeyStore? Keys => _keys;

    private HashSet<PackedCertificate>.AlternateLookup<(string AuthorityId, SerialNumber SerialNumber)> BySerialNumber =>
        _bySerial.GetAlternateLookup<(string AuthorityId, SerialNumber SerialNumber)>();

    public ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        byte[] fields = CertificateRecordPacker.PackFields(certificate); // outside the lock; refuses an incomplete record
        StoreInputRules.ThrowIfNotStorable(certificate); // the packer would keep it exactly; the other stores cannot
        var undo = InMemoryUndoLog.Current();
        var packed = _issuers is { } issuers
            ? issuers.AddUnderActiveIssuer(certificate.CertificateAuthority.Id, () => Add(certificate, fields))
            : Add(certificate, fields);
        undo?.Add(() => TakeBackAdd(packed));
        return ValueTask.CompletedTask;
    }

    /// <summary>Called by the authority store built over this store: certificates are stored only while their CA chain there is active.</summary>
    internal void AttachIssuers(InMemoryAuthorityStore issuers) => _issuers = issuers;

    private PackedCertificate Add(CertificateRecord certificate, byte[] fields)
    {
        lock (_gate)
        {
            // The id first, as every store decides (see ICertificateStore.AddAsync): a record added twice is a Conflict.
            if (_byId.ContainsKey(certificate.Id))
            {
                throw new PkiException(PkiErrorCode.Conflict, $"A certificate with id '{certificate.Id}' already exists.");
            }

            if (BySerialNumber.Contains((certificate.CertificateAuthority.Id, certificate.SerialNumber)))
            {
                throw new PkiException(PkiErrorCode.DuplicateSerialNumber,
                    $"CA '{certificate.CertificateAuthority.Id}' already has a certificate with serial number {certificate.SerialNumberHex}.");
            }

            if (CertificateRecordRules.HasStatusHistory(certificate))
            {
                // Added with a status history (an import): it takes a sequence number as a change would.
                fields = CertificateRecordPacker.PackFields(certificate, NextChangeSequence(certificate.CertificateAuthority.Id));
            }

            var packed = new PackedCertificate(
                certificate, _authorities.Intern(certificate.CertificateAuthority), _organizations.Intern(certificate.OwnerOrganization), fields);
            _byId.Add(packed.Id, packed);
            _bySerial.Add(packed);
            _ids.Add(packed.Id);
            IndexRevocation(certificate);
            _keyReferences.Add(packed.PrivateKeyId, +1);
            return packed;
        }
    }

    /// <summary>Removes the record <see cref="AddAsync"/> stored as <paramref name="packed"/>, unless it has changed since.</summary>
    private void TakeBackAdd(PackedCertificate packed)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(packed.Id, out var current) || !ReferenceEquals(current, packed))
            {
                return;
            }

            bool numbered = EntryOf(packed).ChangeSequence > 0;
            Remove(packed);
            if (numbered)
            {
                // Readers may have seen its status: taking it back is a change too, so CRLs made meanwhile are stale.
                NextChangeSequence(packed.Authority.Id);
            }
        }
    }

    /// <summary>Removes a stored record from every index (callers hold the lock).</summary>
    private void Remove(PackedCertificate record)
    {
        _byId.Remove(record.Id);
        _ids.Remove(record.Id);
        _restoredSequences.Remove(record.Id);
        _bySerial.Remove(record);
        if (_revocationIndex.TryGetValue(record.Authority.Id, out var ids))
        {
            ids.Remove(record.Id);
        }

        _keyReferences.Add(record.PrivateKeyId, -1);
    }

    public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        PackedCertificate? packed;
        lock (_gate)
        {
            packed = _byId.GetValueOrDefault(id);
        }

        return ValueTask.FromResult(packed is null ? null : CertificateRecordPacker.Unpack(packed));
    }

    public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken)
    {
        PackedCertificate? packed;
        lock (_gate)
        {
            BySerialNumber.TryGetValue((authorityId, serialNumber), out packed);
        }

        return ValueTask.FromResult(packed is null ? null : CertificateRecordPacker.Unpack(packed));
    }

    /// <summary>The compare-and-set behind <see cref="InMemoryRevocationStore.TryChangeStatusAsync"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>.</exception>
    internal CertificateRecord? TryChangeStatus(CertificateStatusChange change)
    {
        var undo = InMemoryUndoLog.Current();
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

            var updated = CertificateRecordPacker.Unpack(current) with
            {
                Status = change.NewStatus,
                RevocationReason = change.Reason,
                RevokedAt = change.RevokedAt,
                InvalidityDate = change.InvalidityDate,
                RevocationComment = change.Comment,
                StatusChangedAt = change.ChangedAt,
            };
            // The number is not taken back with the change: a gap is harmless.
            _restoredSequences.Remove(current.Id);
            var repacked = CertificateRecordPacker.Repack(current, updated, NextChangeSequence(current.Authority.Id));
            _byId[current.Id] = repacked;
            _bySerial.Remove(current);
            _bySerial.Add(repacked);
            IndexRevocation(updated);
            undo?.Add(() => TakeBackStatusChange(repacked, current));
            return updated;
        }
    }

    /// <summary>
    /// Puts <paramref name="previous"/>'s status back where a status change stored <paramref name="changed"/>, unless it has
    /// changed since. Readers may have seen the change (a CRL may list it), so taking it back is a change of its own: the
    /// restored record takes the CA's next number and stays among the CA's changes, so that the next delta announces it
    /// and CRLs made meanwhile are no longer fresh.
    /// </summary>
    private void TakeBackStatusChange(PackedCertificate changed, PackedCertificate previous)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(changed.Id, out var current) || !ReferenceEquals(current, changed))
            {
                return;
            }

            _byId[changed.Id] = previous; // the same object, so that taking back its addition finds it
            _bySerial.Remove(changed);
            _bySerial.Add(previous);
            _restoredSequences[previous.Id] = NextChangeSequence(previous.Authority.Id);
        }
    }

    /// <summary>The revocation entry of <paramref name="record"/>, with the number of a change taken back (callers hold the lock).</summary>
    private RevocationEntry EntryOf(PackedCertificate record)
    {
        var entry = CertificateRecordPacker.ReadRevocationEntry(record);
        return _restoredSequences.TryGetValue(record.Id, out long sequence) ? entry with { ChangeSequence = sequence } : entry;
    }

    /// <summary>Takes the CA's next status-change sequence number; under the lock.</summary>
    private long NextChangeSequence(string authorityId)
    {
        long sequence = _changeSequences.GetValueOrDefault(authorityId) + 1;
        _changeSequences[authorityId] = sequence;
        return sequence;
    }

    /// <summary>The CA's last status-change sequence number (<see cref="IRevocationStore.GetLastChangeSequenceAsync"/>).</summary>
    internal long LastChangeSequence(string authorityId)
    {
        lock (_gate)
        {
            return _changeSequences.GetValueOrDefault(authorityId);
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
                var entry = EntryOf(_byId[id]);
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
        if (!CertificateRecordRules.HasStatusHistory(record))
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
        int limit = StoreInputRules.CanMatch(query) ? Math.Max(0, query.Limit) : 0;
        var page = new List<PackedCertificate>(Math.Min(limit, 128));
        lock (_gate)
        {
            IEnumerable<string> ids = query.After is null || _ids.Count == 0
                ? _ids
                : StoreIdOrder.Instance.Compare(query.After, _ids.Max) >= 0 ? [] : _ids.GetViewBetween(query.After, _ids.Max!);
            foreach (string id in ids)
            {
                if (page.Count >= limit)
                {
                    break;
                }

                var packed = _byId[id];
                if (id != query.After && packed.Matches(query))
                {
                    page.Add(packed);
                }
            }
        }

        foreach (var packed in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return CertificateRecordPacker.Unpack(packed);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
