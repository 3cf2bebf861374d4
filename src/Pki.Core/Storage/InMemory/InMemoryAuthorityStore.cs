using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="IAuthorityStore"/> in process memory; thread-safe.</summary>
internal sealed class InMemoryAuthorityStore : IAuthorityStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, AuthorityRecord> _byId = new(StoreIdOrder.Instance);
    private readonly Dictionary<(string? Organization, string Name), string> _byName = [];

    /// <summary>A store that no key store asks about its key references.</summary>
    public InMemoryAuthorityStore()
    {
    }

    /// <summary>A store whose key references the in-memory key store <paramref name="keys"/> checks before it purges a key.</summary>
    public InMemoryAuthorityStore(IPrivateKeyStore keys) =>
        (keys as InMemoryPrivateKeyStore)?.AttachReferences(InMemoryPrivateKeyStore.KeyReferrer.Authorities, id =>
        {
            lock (_gate)
            {
                return _byId.Values.Any(a => string.Equals(a.KeyId, id, StringComparison.Ordinal) || string.Equals(a.AlternativeKeyId, id, StringComparison.Ordinal));
            }
        });

    /// <summary>
    /// A store as <c>AddPki()</c> registers it: the key store checks its key references, and the in-memory certificate
    /// store <paramref name="certificates"/> stores a certificate only while its CA chain here is active.
    /// </summary>
    public InMemoryAuthorityStore(IPrivateKeyStore keys, ICertificateStore certificates)
        : this(keys) =>
        (certificates as InMemoryCertificateStore)?.AttachIssuers(this);

    /// <summary>
    /// Runs <paramref name="add"/> under this store's lock if the CA <paramref name="authorityId"/> and every CA above it
    /// held here are active, so that no status change can come between the check and the add.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityUnavailable"/>: one of them is not active.</exception>
    internal T AddUnderActiveIssuer<T>(string authorityId, Func<T> add)
    {
        lock (_gate)
        {
            string? id = authorityId;
            for (int depth = 0; id is not null && depth < CertificateRecordRules.MaximumIssuerChainDepth && _byId.TryGetValue(id, out var authority); depth++)
            {
                if (authority.Status != AuthorityStatus.Active)
                {
                    throw CertificateRecordRules.IssuerNotActive(authorityId, authority.Id);
                }

                id = authority.ParentId;
            }

            return add();
        }
    }

    public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        StoreInputRules.ThrowIfNotStorable(authority);
        var undo = InMemoryUndoLog.Current();
        lock (_gate)
        {
            if (_byId.ContainsKey(authority.Id) || _byName.ContainsKey((authority.Organization, authority.Name)))
            {
                throw new PkiException(PkiErrorCode.Conflict, $"A CA with id '{authority.Id}' or name '{authority.Name}' already exists.");
            }

            _byId.Add(authority.Id, authority);
            _byName.Add((authority.Organization, authority.Name), authority.Id);
        }

        undo?.Add(() => Restore(authority, null));
        return ValueTask.CompletedTask;
    }

    public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        StoreInputRules.ThrowIfNotStorable(authority);
        var undo = InMemoryUndoLog.Current();
        AuthorityRecord? existing;
        lock (_gate)
        {
            if (!_byId.TryGetValue(authority.Id, out existing))
            {
                throw new PkiException(PkiErrorCode.AuthorityNotFound, $"CA '{authority.Id}' does not exist.");
            }

            if ((existing.Organization, existing.Name) != (authority.Organization, authority.Name))
            {
                if (_byName.ContainsKey((authority.Organization, authority.Name)))
                {
                    throw new PkiException(PkiErrorCode.Conflict, $"A CA named '{authority.Name}' already exists.");
                }

                _byName.Remove((existing.Organization, existing.Name));
                _byName.Add((authority.Organization, authority.Name), authority.Id);
            }

            _byId[authority.Id] = authority;
        }

        undo?.Add(() => Restore(authority, existing));
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes back the change that stored <paramref name="written"/>: puts <paramref name="previous"/> back (none: removes it) if nothing changed it since.</summary>
    private void Restore(AuthorityRecord written, AuthorityRecord? previous)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(written.Id, out var current) || !ReferenceEquals(current, written))
            {
                return;
            }

            _byName.Remove((written.Organization, written.Name));
            if (previous is null)
            {
                _byId.Remove(written.Id);
            }
            else
            {
                _byId[written.Id] = previous;
                _byName[(previous.Organization, previous.Name)] = previous.Id;
            }
        }
    }

    public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(id));
        }
    }

    public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name); // as the SQL stores do
        lock (_gate)
        {
            return ValueTask.FromResult(_byName.TryGetValue((organization, name), out string? id) ? _byId[id] : null);
        }
    }

    public async IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no record matches
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<AuthorityRecord> page;
        lock (_gate)
        {
            page = _byId.Values
                .Where(a => (query.After is null || StoreIdOrder.Instance.Compare(a.Id, query.After) > 0) && query.Matches(a))
                .Take(query.Limit)
                .ToList();
        }

        foreach (var authority in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return authority;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
