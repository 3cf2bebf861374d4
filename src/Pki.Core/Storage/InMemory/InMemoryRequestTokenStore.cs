using System.Runtime.CompilerServices;
using Pki.Core.Tokens;

namespace Pki.Core.Storage.InMemory;

/// <summary>
/// An <see cref="IRequestTokenStore"/> in process memory; thread-safe. State changes (delete, redeem) are serialised by
/// one writer gate, so <see cref="RedeemAsync"/> re-checks the token, adds the certificate and marks the token used as
/// one unit; reads take only the short data lock.
/// </summary>
/// <remarks>Atomic only within one process and together with the <see cref="ICertificateStore"/> it is given.</remarks>
internal sealed class InMemoryRequestTokenStore : IRequestTokenStore, IDisposable
{
    private readonly ICertificateStore _certificates;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, StoredRequestToken> _byId = new(StoreIdOrder.Instance);
    private readonly Dictionary<string, string> _idByHash = new(StringComparer.Ordinal);

    /// <summary>How many stored tokens reference each certificate id; the certificate store never purges those.</summary>
    private readonly ReferenceCounts _certificateReferences = new();

    public InMemoryRequestTokenStore(ICertificateStore certificates)
    {
        _certificates = certificates;
        (certificates as InMemoryCertificateStore)?.AttachTokenReferences(IsReferenced);
    }

    public async ValueTask AddAsync(StoredRequestToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        StoreInputRules.ThrowIfNotStorable(token);
        if (token.Token.CertificateId is { } certificateId
            && await _certificates.GetAsync(certificateId, cancellationToken).ConfigureAwait(false) is null)
        {
            // As the SQL stores: a token names only a certificate that exists.
            throw new PkiException(PkiErrorCode.CertificateNotFound, $"The request token's CertificateId '{certificateId}' names no certificate in this store.");
        }

        string hashKey = Convert.ToHexString(token.SecretHash.Span);
        var stored = token with { SecretHash = token.SecretHash.ToArray() };
        var undo = InMemoryUndoLog.Current();
        lock (_gate)
        {
            if (_byId.ContainsKey(token.Token.Id))
            {
                throw new PkiException(PkiErrorCode.Conflict, $"A request token with id '{token.Token.Id}' already exists.");
            }

            if (_idByHash.ContainsKey(hashKey))
            {
                throw new PkiException(PkiErrorCode.Conflict, "A request token with this secret hash already exists.");
            }

            _byId.Add(token.Token.Id, stored);
            _idByHash.Add(hashKey, token.Token.Id);
            _certificateReferences.Add(token.Token.CertificateId, +1);
        }

        undo?.Add(() => Restore(stored, null));
    }

    public ValueTask<RequestTokenRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(id)?.Token);
        }
    }

    public ValueTask<StoredRequestToken?> FindByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken)
    {
        string hashKey = Convert.ToHexString(secretHash.Span);
        lock (_gate)
        {
            return ValueTask.FromResult(_idByHash.TryGetValue(hashKey, out string? id) ? _byId[id] : null);
        }
    }

    public async IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery query, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<RequestTokenRecord> page;
        lock (_gate)
        {
            page = [.. _byId.Values
                .Select(stored => stored.Token)
                .Where(token => (query.After is null || StoreIdOrder.Instance.Compare(token.Id, query.After) > 0) && query.Matches(token, now))
                .Take(query.Limit)];
        }

        foreach (var token in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return token;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async ValueTask<RequestTokenRecord> DeleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var undo = InMemoryUndoLog.Current();
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = Find(id) ?? throw TokenErrors.NotFound();
            if (stored.Token.State == RequestTokenState.Deleted)
            {
                return stored.Token;
            }

            var deleted = stored.Token with { State = RequestTokenState.Deleted, DeletedAt = now };
            Replace(stored with { Token = deleted }, undo);
            return deleted;
        }
        finally
        {
            _writer.Release();
        }
    }

    public async ValueTask RedeemAsync(string tokenId, CertificateRecord certificate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        CertificateRecordRules.ThrowIfIncomplete(certificate, nameof(certificate));
        StoreInputRules.ThrowIfNotStorable(certificate);
        var undo = InMemoryUndoLog.Current();
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = Find(tokenId) ?? throw TokenErrors.NotFound();
            TokenErrors.ThrowIfNotRedeemable(stored.Token, now);

            // If the certificate cannot be added (a duplicate serial the pipeline retries), the token stays unused.
            await _certificates.AddAsync(certificate, cancellationToken).ConfigureAwait(false);
            Replace(stored with { Token = stored.Token with { State = RequestTokenState.Used, RedeemedAt = now, CertificateId = certificate.Id } }, undo);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async ValueTask<int> PurgeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                var removed = _byId.Values.Where(stored => IsFinishedBefore(stored.Token, before)).Take(limit).ToList();
                foreach (var stored in removed)
                {
                    _byId.Remove(stored.Token.Id);
                    _idByHash.Remove(Convert.ToHexString(stored.SecretHash.Span));
                    _certificateReferences.Add(stored.Token.CertificateId, -1);
                }

                return removed.Count;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();

    private static bool IsFinishedBefore(RequestTokenRecord token, DateTimeOffset before) => token.State switch
    {
        RequestTokenState.Used => token.RedeemedAt < before,
        RequestTokenState.Deleted => token.DeletedAt < before,
        _ => token.ExpiresAt < before,
    };

    private bool IsReferenced(string certificateId)
    {
        lock (_gate)
        {
            return _certificateReferences.Contains(certificateId);
        }
    }

    private StoredRequestToken? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Stores <paramref name="replacement"/> in place of the token (callers hold the writer gate).</summary>
    private void Replace(StoredRequestToken replacement, InMemoryUndoLog? undo)
    {
        StoredRequestToken? previous;
        lock (_gate)
        {
            previous = _byId.GetValueOrDefault(replacement.Token.Id);
            _certificateReferences.Add(previous?.Token.CertificateId, -1);
            _certificateReferences.Add(replacement.Token.CertificateId, +1);
            _byId[replacement.Token.Id] = replacement;
        }

        undo?.Add(() => Restore(replacement, previous));
    }

    /// <summary>Takes back the change that stored <paramref name="written"/>: puts <paramref name="previous"/> back (none: removes the token) if nothing changed it since.</summary>
    private void Restore(StoredRequestToken written, StoredRequestToken? previous)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(written.Token.Id, out var current) || !ReferenceEquals(current, written))
            {
                return;
            }

            _certificateReferences.Add(written.Token.CertificateId, -1);
            if (previous is null)
            {
                _byId.Remove(written.Token.Id);
                _idByHash.Remove(Convert.ToHexString(written.SecretHash.Span));
            }
            else
            {
                _byId[written.Token.Id] = previous;
                _certificateReferences.Add(previous.Token.CertificateId, +1);
            }
        }
    }
}
