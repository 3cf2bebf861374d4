using System.Collections.Concurrent;

namespace Pki.Core.Authority;

/// <summary>Finds CAs by reference and keeps an <see cref="AuthorityContext"/> per CA, rebuilt whenever the stored record changes.</summary>
internal sealed class AuthorityResolver(IAuthorityStore store, ISigningKeyProvider keys, TimeProvider time)
{
    /// <summary>As far up as the stores check a certificate's CA chain (the same bound: a longer chain or a cycle stops there).</summary>
    private const int MaxChainLength = CertificateRecordRules.MaximumIssuerChainDepth;
    private readonly ConcurrentDictionary<string, AuthorityContext> _contexts = new(StringComparer.Ordinal);

    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    public async ValueTask<AuthorityRecord> FindAsync(CaReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var authority = reference.Id is not null
            ? await store.GetAsync(reference.Id, cancellationToken).ConfigureAwait(false)
            : await store.FindByNameAsync(reference.Name!, reference.Organization, cancellationToken).ConfigureAwait(false);
        return authority ?? throw new PkiException(PkiErrorCode.AuthorityNotFound, $"{reference} does not exist.");
    }

    /// <summary>Resolves a CA that may issue now: active and within its validity.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>.</exception>
    public ValueTask<AuthorityContext> ResolveIssuerAsync(CaReference reference, CancellationToken cancellationToken) =>
        ResolveIssuerAsync(reference, null, cancellationToken);

    /// <summary>
    /// Resolves a CA that may issue now, checking <paramref name="resolved"/> (the record of <paramref name="reference"/>
    /// read moments ago in the same operation) when given instead of reading it again.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="resolved"/> is not the CA <paramref name="reference"/> names by id.</exception>
    public async ValueTask<AuthorityContext> ResolveIssuerAsync(CaReference reference, AuthorityRecord? resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (resolved is not null && !string.Equals(reference.Id, resolved.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The resolved CA '{resolved.Id}' is not {reference}.", nameof(resolved));
        }

        var authority = resolved ?? await FindAsync(reference, cancellationToken).ConfigureAwait(false);
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

        await RequireActiveAncestorsAsync(authority, cancellationToken).ConfigureAwait(false);
        if (_contexts.TryGetValue(authority.Id, out var cached) && cached.Authority == authority)
        {
            return cached;
        }

        var key = await keys.GetAsync(authority.KeyId, cancellationToken).ConfigureAwait(false);
        var chain = await BuildChainAsync(authority, cancellationToken).ConfigureAwait(false);
        var alternativeKey = authority.AlternativeKeyId is { } alternativeKeyId
            ? await keys.GetAsync(alternativeKeyId, cancellationToken).ConfigureAwait(false)
            : null;
        var context = AuthorityContext.Create(authority, key, chain, alternativeKey);
        _contexts[authority.Id] = context;
        return context;
    }

    /// <summary>
    /// Resolves a CA's signing context whatever its status and validity: a revoked or expired CA still signs its CRLs and
    /// OCSP responses (RFC 5280 section 3.3). Never use it to issue certificates.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    public async ValueTask<AuthorityContext> ResolveSignerAsync(CaReference reference, CancellationToken cancellationToken)
    {
        var authority = await FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (_contexts.TryGetValue(authority.Id, out var cached) && cached.Authority == authority)
        {
            return cached;
        }

        var key = await keys.GetAsync(authority.KeyId, cancellationToken).ConfigureAwait(false);
        var chain = await BuildChainAsync(authority, cancellationToken).ConfigureAwait(false);
        var context = AuthorityContext.Create(authority, key, chain);
        _contexts[authority.Id] = context;
        return context;
    }

    /// <summary>A CA below a revoked CA issues nothing either: path validation would reject what it signs.</summary>
    private async ValueTask RequireActiveAncestorsAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        var current = authority;
        for (int depth = 0; current.ParentId is not null && depth < MaxChainLength; depth++)
        {
            current = await store.GetAsync(current.ParentId, cancellationToken).ConfigureAwait(false);
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
