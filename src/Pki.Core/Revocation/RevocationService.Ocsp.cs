using Pki.Core.Asn1;
using Pki.Core.Issuance;
using Pki.Core.Keys;

namespace Pki.Core.Revocation;

internal sealed partial class RevocationService
{
    private static readonly TimeSpan ResponderRecheck = TimeSpan.FromSeconds(10);

    public async ValueTask<byte[]> RespondAsync(ReadOnlyMemory<byte> ocspRequestDer, CancellationToken cancellationToken = default) =>
        (await AnswerAsync(ocspRequestDer, cancellationToken).ConfigureAwait(false)).Der.ToArray(); // never the cached array itself

    public async ValueTask<OcspResponse> AnswerAsync(ReadOnlyMemory<byte> ocspRequestDer, CancellationToken cancellationToken = default)
    {
        var request = OcspRequestReader.TryRead(ocspRequestDer);
        if (request is null)
        {
            return Unsuccessful(OcspResponseStatus.MalformedRequest);
        }

        try
        {
            return await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (PkiException ex)
        {
            // A store or key failure must not surface as an exception to an OCSP client (RFC 6960 section 2.3).
            LogOcspFailure(_logger, ex);
            return Unsuccessful(OcspResponseStatus.InternalError);
        }
    }

    private static OcspResponse Unsuccessful(OcspResponseStatus status) => new() { Der = OcspResponseWriter.Error(status), Status = status };

    private async ValueTask<OcspResponse> AnswerAsync(OcspRequest request, CancellationToken cancellationToken)
    {
        long generation = Interlocked.Read(ref _generation);
        var settings = Settings;
        var now = time.GetUtcNow();
        // Only answers about one valid serial are kept: a CertID's serial may be any length up to the request's size.
        string? cacheKey = request.CertIds.Count == 1 && request.CertIds[0].SerialNumber is not null && request.NonceExtension is null
            && settings.OcspResponseCacheDuration > TimeSpan.Zero
            ? Convert.ToBase64String(request.CertIds[0].Encoded.Span)
            : null;
        if (cacheKey is not null && _ocspCache.TryGetValue(cacheKey, out var cached) && cached.Generation == generation && now < cached.Until)
        {
            return cached.Response;
        }

        // The first CertID naming a CA the library holds chooses the responder; CertIDs of other issuers are answered unknown.
        var issuerIds = new string?[request.CertIds.Count];
        string? authorityId = null;
        for (int i = 0; i < issuerIds.Length; i++)
        {
            issuerIds[i] = await issuers.FindAsync(request.CertIds[i], cancellationToken).ConfigureAwait(false);
            authorityId ??= issuerIds[i];
        }

        if (authorityId is null)
        {
            return Unsuccessful(OcspResponseStatus.Unauthorized);
        }

        var signer = await GetResponderAsync(authorityId, now, settings.OcspResponseValidity, cancellationToken).ConfigureAwait(false);
        // No response may outlive the certificate that signs it: caches keep a response until its nextUpdate (RFC 5019).
        // (A CA past its own notAfter still answers as it did, with the full validity: nextUpdate never precedes thisUpdate.)
        var nextUpdate = now + settings.OcspResponseValidity;
        if (signer.NotAfter > now && signer.NotAfter < nextUpdate)
        {
            nextUpdate = signer.NotAfter;
        }
        var responses = new OcspSingleResponse[request.CertIds.Count];
        for (int i = 0; i < responses.Length; i++)
        {
            var certId = request.CertIds[i];
            var status = OcspCertStatus.Unknown;
            var revokedAt = default(DateTimeOffset);
            var reason = RevocationReason.Unspecified;
            if (issuerIds[i] == authorityId && certId.SerialNumber is { } serial
                && await certificates.FindBySerialNumberAsync(authorityId, serial, cancellationToken).ConfigureAwait(false) is { } record)
            {
                var published = RevocationStateMachine.Published(record.Status, record.RevocationReason);
                status = published is null ? OcspCertStatus.Good : OcspCertStatus.Revoked;
                reason = published ?? RevocationReason.Unspecified;
                revokedAt = record.RevokedAt ?? record.StatusChangedAt ?? now;
            }

            responses[i] = new OcspSingleResponse(certId.Encoded, status, revokedAt, reason, now, nextUpdate);
        }

        byte[] data = OcspResponseWriter.WriteResponseData(signer.KeyHash, now, responses, request.NonceExtension);
        byte[] signature = await signer.Key.SignAsync(data, cancellationToken).ConfigureAwait(false);
        // Every SingleResponse says thisUpdate = producedAt = now and the same nextUpdate (DER time: whole seconds).
        var thisUpdate = Asn1.DerTime.TruncateToSecond(now);
        var response = new OcspResponse
        {
            Der = OcspResponseWriter.Success(data, signer.Signature.AlgorithmIdentifier, signature, signer.CertificateDer),
            Status = OcspResponseStatus.Successful,
            ProducedAt = thisUpdate,
            ThisUpdate = thisUpdate,
            NextUpdate = Asn1.DerTime.TruncateToSecond(nextUpdate),
            HasNonce = request.NonceExtension is not null,
        };
        if (cacheKey is not null)
        {
            // Never served past its own nextUpdate.
            Cache(cacheKey, new CachedOcspResponse(response, Min(now + settings.OcspResponseCacheDuration, nextUpdate), generation));
        }

        return response;
    }

    public async ValueTask<IssuedCertificate> IssueOcspSigningCertificateAsync(CaReference authority, int? validityDays = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authority);
        // The profile's default and maximum govern, as for any issuance.
        var settings = options.Value;
        settings.Profiles.TryGetValue(CertificateProfiles.OcspSigning, out var profile);
        // Without a validity: the profile's default, capped by the system-wide policy as for any issuance.
        int days = validityDays ?? (profile is null ? 30 : enrollment.DefaultValidityDays(profile, patternName: null));
        if (days is < 1 or > 36_600 || TimeSpan.FromDays(days) <= settings.Revocation.OcspResponseValidity) // 36600: any profile's longest
        {
            // A responder signs only while it outlives one more response (see GetResponderAsync): a shorter one never would.
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"A delegated OCSP responder must be valid for at least a day, at most 36600 days, and longer than Revocation.OcspResponseValidity ({settings.Revocation.OcspResponseValidity}), not {days} days.");
        }

        var ca = await resolver.ResolveIssuerAsync(authority, cancellationToken).ConfigureAwait(false);

        // The validity the pipeline would refuse is refused before the responder key is made, so that it leaves no key behind.
        if (profile is not null)
        {
            _ = ValidityWindow.Compute(time.GetUtcNow(), days, profile.MaximumValidityDays, profile.Backdate,
                ca.Authority.NotBefore, ca.Authority.NotAfter, settings.ValidityNesting);
        }

        string keyId = await keys.CreateAsync(ca.Authority.KeyAlgorithm, cancellationToken).ConfigureAwait(false);
        var key = await keys.LoadStoredAsync(keyId, cancellationToken).ConfigureAwait(false);
        var order = new IssuanceOrder
        {
            Authority = CaReference.ById(ca.Authority.Id),
            Profile = CertificateProfiles.OcspSigning,
            RequestedSubject = DistinguishedName.Create(commonName: "OCSP Responder", organization: ca.Authority.Subject.Organization),
            ValidityDays = days,
            OwnerOrganization = ca.Authority.Organization,
            SubjectPublicKeyInfo = key.SubjectPublicKeyInfo,
            PublicKeyFamily = KeyAlgorithmFacts.Family(key.Algorithm),
            PublicKeySize = KeyAlgorithmFacts.Size(key.Algorithm),
        };
        var issued = await pipeline.IssueAsync(order, cancellationToken).ConfigureAwait(false);
        var responder = new OcspResponderRecord(ca.Authority.Id, issued.Record.Id, keyId, issued.CertificatePem, issued.Record.ExpiresOn);
        // The certificate is stored (with its audit event, in a SQL store): the responder is set even if the caller gives
        // up now, so that the call does not fail after the change it reports.
        await store.SetOcspResponderAsync(responder, CancellationToken.None).ConfigureAwait(false);
        _responders.TryRemove(ca.Authority.Id, out _);
        Interlocked.Increment(ref _generation);
        LogResponder(_logger, issued.Record.Id, ca.Authority.Id, responder.NotAfter);
        return issued;
    }

    /// <summary>The CA's delegated responder while its certificate is active and valid for at least one more response
    /// validity, else the CA itself; re-read from the store every few seconds. A revoked (or held) responder certificate
    /// stops signing at once: it carries id-pkix-ocsp-nocheck, so relying parties could not find out themselves (RFC 6960,
    /// section 4.2.2.2.1). In its last <paramref name="validity"/> the CA signs, so that no response outlives its signer.</summary>
    private async ValueTask<ResponderSigner> GetResponderAsync(string authorityId, DateTimeOffset now, TimeSpan validity, CancellationToken cancellationToken)
    {
        if (_responders.TryGetValue(authorityId, out var cached) && now < cached.CheckedAt + ResponderRecheck
            && (cached.CertificateDer is null || now + validity <= cached.NotAfter))
        {
            return cached;
        }

        ResponderSigner signer;
        var delegated = await store.GetOcspResponderAsync(authorityId, cancellationToken).ConfigureAwait(false);
        if (delegated is not null && now + validity <= delegated.NotAfter
            && (await certificates.GetAsync(delegated.CertificateId, cancellationToken).ConfigureAwait(false))?.Status == CertificateStatus.Active)
        {
            var key = await keys.LoadStoredAsync(delegated.KeyId, cancellationToken).ConfigureAwait(false);
            signer = new ResponderSigner(key, SignatureAlgorithm.For(key.Algorithm), KeyIdentifier.Compute(key.SubjectPublicKeyInfo),
                PemCertificates.DecodeSingle(delegated.CertificatePem), delegated.NotAfter, now);
        }
        else
        {
            var ca = await resolver.ResolveSignerAsync(CaReference.ById(authorityId), cancellationToken).ConfigureAwait(false);
            signer = new ResponderSigner(ca.Key, ca.Signature, KeyIdentifier.Compute(ca.Key.SubjectPublicKeyInfo), null, ca.Authority.NotAfter, now);
        }

        _responders[authorityId] = signer;
        return signer;
    }

    /// <summary>
    /// Keeps <paramref name="entry"/> while the cache weighs less than <see cref="MaximumCachedOcspBytes"/>; past that the
    /// cache starts again empty (anyone may ask about any serial, so entries are not kept by count alone). The weight is
    /// approximate under concurrent inserts, by at most one entry per concurrent caller.
    /// </summary>
    private void Cache(string key, CachedOcspResponse entry)
    {
        long cost = OcspCacheEntryCost(key, entry.Response.Der);
        if (_ocspCache.TryRemove(key, out var previous))
        {
            Interlocked.Add(ref _ocspCacheBytes, -OcspCacheEntryCost(key, previous.Response.Der));
        }

        if (Interlocked.Add(ref _ocspCacheBytes, cost) > MaximumCachedOcspBytes)
        {
            _ocspCache.Clear();
            Interlocked.Exchange(ref _ocspCacheBytes, cost);
        }

        _ocspCache[key] = entry;
    }

    /// <summary>What an entry holds on to, roughly: its key (UTF-16), its response and the objects around them.</summary>
    internal static long OcspCacheEntryCost(string key, ReadOnlyMemory<byte> response) => (key.Length * 2L) + response.Length + 256;

    /// <summary>The most the OCSP answer cache may weigh, in bytes (settable for tests).</summary>
    internal long MaximumCachedOcspBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>How many OCSP answers the cache holds (for tests).</summary>
    internal int CachedOcspResponses => _ocspCache.Count;

    /// <summary>The cache's approximate weight in bytes (for tests).</summary>
    internal long CachedOcspBytes => Interlocked.Read(ref _ocspCacheBytes);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private sealed record CachedOcspResponse(OcspResponse Response, DateTimeOffset Until, long Generation);

    private sealed record ResponderSigner(ISigningKey Key, SignatureAlgorithm Signature, byte[] KeyHash, byte[]? CertificateDer, DateTimeOffset NotAfter, DateTimeOffset CheckedAt);
}
