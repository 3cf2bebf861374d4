using System.Collections.Concurrent;
using Pki.Core.Keys;
using Pki.Core.Storage;

namespace Pki.Core.Authority;

/// <summary>Finds CAs by reference and keeps an <see cref="AuthorityContext"/> per CA, rebuilt whenever the stored record changes.</summary>
internal sealed class AuthorityResolver(IAuthorityStore store, ISigningKeyProvider keys, TimeProvider time)
{
    /// <summary>As far up as the stores check a certificate's CA chain (the same bound: a longer chain or a cycle stops there).</summary>
    private const int MaxChainLength = CertificateRecordRules.MaximumIssuerChainDepth;
    private readonly ConcurrentDictionary<string, AuthorityContext> _contexts = new(StringComparer.Ordinal);
    private readonly ActiveAuthorityCache _active = new(time);

    // FindInAnyOrganizationAsync's answers for issuance, by name: reused as the active records are (bounded by the CA names).
    private readonly ConcurrentDictionary<string, (string Id, long ResolvedAt)> _anyOrganization = new(StringComparer.Ordinal);

    /// <summary>
    /// For a caller who may name any CA (seed 003: superusers resolve any CA by name): the CA named <paramref name="name"/>
    /// without an organization, else the only one of that name in any organization. For issuance, an active record read
    /// moments ago is reused, as <see cref="FindForIssuanceAsync"/> does.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>; <see cref="PkiErrorCode.InvalidRequest"/>
    /// when CAs of several organizations have the name.</exception>
    public async ValueTask<AuthorityRecord> FindInAnyOrganizationAsync(string name, bool forIssuance, CancellationToken cancellationToken)
    {
        // Only this resolution's own earlier answer is reused: what other callers' issuances cached says nothing about
        // which CA the name means across organizations.
        if (forIssuance && _anyOrganization.TryGetValue(name, out var earlier)
            && time.GetElapsedTime(earlier.ResolvedAt) < ActiveAuthorityCache.Lifetime && _active.Find(earlier.Id) is { } cached)
        {
            return cached;
        }

        var authority = await store.FindByNameAsync(name, organization: null, cancellationToken).ConfigureAwait(false)
            ?? await FindOnlyAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{CaReference.ByName(name)} does not exist.");
        if (forIssuance)
        {
            _active.Remember(authority);
            _anyOrganization[name] = (authority.Id, time.GetTimestamp());
        }

        return authority;
    }

    /// <summary>The only CA named <paramref name="name"/> in any organization, or null; reads every CA (CAs are few).</summary>
    private async ValueTask<AuthorityRecord?> FindOnlyAsync(string name, CancellationToken cancellationToken)
    {
        AuthorityRecord? found = null;
        await foreach (var authority in store.ListAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(authority.Name, name, StringComparison.Ordinal))
            {
                continue;
            }

            if (found is not null)
            {
                throw new PkiException(PkiErrorCode.InvalidRequest,
                    $"CAs of several organizations are named '{name}' ({found.Organization}, {authority.Organization}); name the CA by id, or with its organization.");
            }

            found = authority;
        }

        return found;
    }

    /// <summary>Reads a CA's record from the store.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    public async ValueTask<AuthorityRecord> FindAsync(CaReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var authority = await ReadAsync(reference, cancellationToken).ConfigureAwait(false);
        return authority ?? throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{reference} does not exist.");
    }

    /// <summary>
    /// Finds a CA to issue under: an active record read for an issuance moments ago is reused (see
    /// <see cref="ActiveAuthorityCache"/>); anything else is read from the store. Only for issuance, whose certificate the
    /// store refuses if the CA turns out not to be active: everything else reads with <see cref="FindAsync"/>.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    public async ValueTask<AuthorityRecord> FindForIssuanceAsync(CaReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var authority = (reference.Id is not null ? _active.Find(reference.Id) : _active.Find(reference.Name!, reference.Organization))
            ?? await ReadForIssuanceAsync(reference, cancellationToken).ConfigureAwait(false);
        return authority ?? throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{reference} does not exist.");
    }

    /// <summary>Drops what issuance remembers of a CA whose status just changed.</summary>
    public void Forget(string authorityId) => _active.Forget(authorityId);

    /// <summary>Drops what issuance remembers of a CA and of the CAs above it, after a store refused a certificate of it
    /// because one of them is no longer active.</summary>
    public void ForgetChain(AuthorityRecord authority)
    {
        string? id = authority.Id;
        for (int depth = 0; id is not null && depth <= MaxChainLength; depth++)
        {
            string? parentId = _active.Find(id)?.ParentId ?? (depth == 0 ? authority.ParentId : null);
            _active.Forget(id);
            id = parentId;
        }
    }

    private async ValueTask<AuthorityRecord?> ReadForIssuanceAsync(CaReference reference, CancellationToken cancellationToken)
    {
        var authority = await ReadAsync(reference, cancellationToken).ConfigureAwait(false);
        if (authority is not null)
        {
            _active.Remember(authority);
        }

        return authority;
    }

    private ValueTask<AuthorityRecord?> ReadAsync(CaReference reference, CancellationToken cancellationToken) =>
        reference.Id is not null
            ? store.GetAsync(reference.Id, cancellationToken)
            : store.FindByNameAsync(reference.Name!, reference.Organization, cancellationToken);

    /// <summary>Resolves a CA that may issue now, active and within its validity, from its record in the store.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>.</exception>
    public async ValueTask<AuthorityContext> ResolveIssuerAsync(CaReference reference, CancellationToken cancellationToken)
    {
        var authority = await FindAsync(reference, cancellationToken).ConfigureAwait(false);
        return await ResolveIssuerAsync(authority, forIssuance: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves a CA that may issue now for an issuance, checking <paramref name="resolved"/> (the record of
    /// <paramref name="reference"/> found moments ago in the same operation) when given instead of finding it again. The
    /// CA and the CAs above it are found as <see cref="FindForIssuanceAsync"/> does.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="resolved"/> is not the CA <paramref name="reference"/> names by id.</exception>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>.</exception>
    public async ValueTask<AuthorityContext> ResolveForIssuanceAsync(CaReference reference, AuthorityRecord? resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (resolved is not null && !string.Equals(reference.Id, resolved.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The resolved CA '{resolved.Id}' is not {reference}.", nameof(resolved));
        }

        var authority = resolved ?? await FindForIssuanceAsync(reference, cancellationToken).ConfigureAwait(false);
        return await ResolveIssuerAsync(authority, forIssuance: true, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<AuthorityContext> ResolveIssuerAsync(AuthorityRecord authority, bool forIssuance, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (authority.Status != AuthorityStatus.Active)
        {
            throw new PkiException(PkiErrorCode.AuthorityUnavailable, $"CA '{authority.Name}' is revoked and cannot issue.");
        }

        if (now > authority.NotAfter || now < authority.NotBefore)
        {
            throw new PkiException(PkiErrorCode.AuthorityUnavailable,
                $"CA '{authority.Name}' is valid from {authority.NotBefore:u} to {authority.NotAfter:u} and cannot issue at {now:u}.");
        }

        await RequireActiveAncestorsAsync(authority, forIssuance, cancellationToken).ConfigureAwait(false);
        return await ContextAsync(authority, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves a CA's signing context whatever its status and validity: a revoked or expired CA still signs its CRLs and
    /// OCSP responses (RFC 5280 section 3.3). Never use it to issue certificates.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    public async ValueTask<AuthorityContext> ResolveSignerAsync(CaReference reference, CancellationToken cancellationToken)
    {
        var authority = await FindAsync(reference, cancellationToken).ConfigureAwait(false);
        return await ContextAsync(authority, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The signing context of <paramref name="authority"/>, built once per record (a changed record builds a new one).
    /// Issuance and CRL/OCSP signing share it, so it always holds everything issuance needs, the alternative key of a
    /// hybrid CA included.
    /// </summary>
    private async ValueTask<AuthorityContext> ContextAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        if (_contexts.TryGetValue(authority.Id, out var cached) && cached.Authority == authority)
        {
            return cached;
        }

        var key = await keys.LoadStoredAsync(authority.KeyId, cancellationToken).ConfigureAwait(false);
        var chain = await BuildChainAsync(authority, cancellationToken).ConfigureAwait(false);
        var alternativeKey = authority.AlternativeKeyId is { } alternativeKeyId
            ? await keys.LoadStoredAsync(alternativeKeyId, cancellationToken).ConfigureAwait(false)
            : null;
        var context = AuthorityContext.Create(authority, key, chain, alternativeKey);
        _contexts[authority.Id] = context;
        return context;
    }

    /// <summary>A CA below a revoked CA issues nothing either: path validation would reject what it signs.</summary>
    private async ValueTask RequireActiveAncestorsAsync(AuthorityRecord authority, bool forIssuance, CancellationToken cancellationToken)
    {
        var current = authority;
        for (int depth = 0; current.ParentId is not null && depth < MaxChainLength; depth++)
        {
            string parentId = current.ParentId;
            current = forIssuance
                ? _active.Find(parentId) ?? await ReadForIssuanceAsync(CaReference.ById(parentId), cancellationToken).ConfigureAwait(false)
                : await store.GetAsync(parentId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return;
            }

            if (current.Status != AuthorityStatus.Active)
            {
                throw new PkiException(PkiErrorCode.AuthorityUnavailable, $"CA '{authority.Name}' is below the revoked CA '{current.Name}' and cannot issue.");
            }
        }
    }

    /// <summary>The CA certificate followed by its parents held by the library, in PEM.</summary>
    public async ValueTask<string> BuildChainPemAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        var chain = await BuildChainAsync(authority, cancellationToken).ConfigureAwait(false);
        return string.Concat(chain.Select(a => a.CertificatePem));
    }

    /// <summary>The CA followed by its parents held by the library, up to the root.</summary>
    public async ValueTask<List<AuthorityRecord>> BuildChainAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        var chain = new List<AuthorityRecord> { authority };
        var current = authority;
        for (int depth = 0; current.ParentId is not null && depth < MaxChainLength; depth++)
        {
            current = await store.GetAsync(current.ParentId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                break;
            }

            chain.Add(current);
        }

        return chain;
    }
}
