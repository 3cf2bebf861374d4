using System.Security.Cryptography;
using Pki.Core.Authority;

namespace Pki.Core.Revocation;

internal sealed partial class RevocationService
{
    /// <summary>Makes the CRL that <see cref="GetCrlAsync(CaReference, CrlCreation?, CancellationToken)"/> needs when the
    /// stored one is stale: a full CRL, or with <paramref name="delta"/> a delta CRL (the governed service audits it).</summary>
    internal delegate ValueTask<CertificateRevocationList> CrlCreation(CaReference authority, bool delta, CancellationToken cancellationToken);

    public ValueTask<CertificateRevocationList> GetCrlAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        GetCrlAsync(authority, create: null, cancellationToken);

    public ValueTask<CertificateRevocationList> GetDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        GetDeltaCrlAsync(authority, create: null, cancellationToken);

    /// <summary><see cref="GetCrlAsync(CaReference, CancellationToken)"/>; a new CRL is made through <paramref name="create"/> when given.</summary>
    internal async ValueTask<CertificateRevocationList> GetCrlAsync(CaReference authority, CrlCreation? create, CancellationToken cancellationToken)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        var latest = await store.GetLatestCrlAsync(record.Id, delta: false, cancellationToken).ConfigureAwait(false);
        if (latest is not null && await IsFreshAsync(latest, cancellationToken).ConfigureAwait(false))
        {
            return latest;
        }

        return await CreateCurrentAsync(record.Id, delta: false, create, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><see cref="GetDeltaCrlAsync(CaReference, CancellationToken)"/>; a new CRL is made through <paramref name="create"/> when given.</summary>
    internal async ValueTask<CertificateRevocationList> GetDeltaCrlAsync(CaReference authority, CrlCreation? create, CancellationToken cancellationToken)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        var latestBase = await store.GetLatestCrlAsync(record.Id, delta: false, cancellationToken).ConfigureAwait(false);
        var latest = await store.GetLatestCrlAsync(record.Id, delta: true, cancellationToken).ConfigureAwait(false);
        if (latestBase is not null && latest is not null && latest.BaseCrlNumber == latestBase.Number
            && await IsFreshAsync(latest, cancellationToken).ConfigureAwait(false))
        {
            return latest;
        }

        return await CreateCurrentAsync(record.Id, delta: true, create, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A new current CRL for <see cref="GetCrlAsync(CaReference, CancellationToken)"/> / <see cref="GetDeltaCrlAsync(CaReference, CancellationToken)"/>. In this process one such creation
    /// runs per CA and kind at a time, and a request takes the last one made if it started after the request arrived —
    /// its entries were read after the request was made, so a revocation the caller made before asking is on it. A burst
    /// of downloads right after a revocation thus signs and stores one or two CRLs, not one each (concurrent builders
    /// would also keep overtaking each other's numbers: see <see cref="CreateAsync(AuthorityContext, CertificateRevocationList?, CancellationToken)"/>).
    /// </summary>
    private async ValueTask<CertificateRevocationList> CreateCurrentAsync(string authorityId, bool delta, CrlCreation? create, CancellationToken cancellationToken)
    {
        create ??= CreateAsync;
        if (StoreTransaction.Current is not null)
        {
            return await create(CaReference.ById(authorityId), delta, cancellationToken).ConfigureAwait(false); // the caller's transaction: its own
        }

        long arrival = Interlocked.Increment(ref _crlRequests);
        var key = (authorityId, delta);
        var gate = _crlCreationGates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastCreated.TryGetValue(key, out var last) && last.RequestsBeforeStart >= arrival)
            {
                return last.Crl;
            }

            long requestsBeforeStart = Interlocked.Read(ref _crlRequests);
            var crl = await create(CaReference.ById(authorityId), delta, cancellationToken).ConfigureAwait(false);
            _lastCreated[key] = (requestsBeforeStart, crl);
            return crl;
        }
        finally
        {
            gate.Release();
        }
    }

    private ValueTask<CertificateRevocationList> CreateAsync(CaReference authority, bool delta, CancellationToken cancellationToken) =>
        delta ? CreateDeltaCrlAsync(authority, cancellationToken) : CreateCrlAsync(authority, cancellationToken);

    public async ValueTask<CertificateRevocationList> CreateCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var signer = await resolver.ResolveSignerAsync(authority, cancellationToken).ConfigureAwait(false);
        return await CreateAsync(signer, baseCrl: null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRevocationList> CreateDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var signer = await resolver.ResolveSignerAsync(authority, cancellationToken).ConfigureAwait(false);
        var baseCrl = await store.GetLatestCrlAsync(signer.Authority.Id, delta: false, cancellationToken).ConfigureAwait(false);
        if (baseCrl is null)
        {
            baseCrl = await CreateBaseAsync(signer, cancellationToken).ConfigureAwait(false);
            // The base CRL is stored: from here the operation completes, so that its audit event is written with it.
            cancellationToken = CancellationToken.None;
        }

        return await CreateAsync(signer, baseCrl, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the CA has a stored full CRL (the governed service makes and audits one before a delta otherwise).</summary>
    internal async ValueTask<bool> HasFullCrlAsync(CaReference authority, CancellationToken cancellationToken)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        return await store.GetLatestCrlAsync(record.Id, delta: false, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The full CRL a delta CRL creation makes first when its CA has none: not the CRL the operation's audit event
    /// names, so no store takes that event for it.</summary>
    private async ValueTask<CertificateRevocationList> CreateBaseAsync(AuthorityContext signer, CancellationToken cancellationToken)
    {
        PendingAuditEvent.HideInThisMethod();
        return await CreateAsync(signer, baseCrl: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fresh: less than half of its validity gone, and no status change of the CA numbered after those it reflects.</summary>
    private async ValueTask<bool> IsFreshAsync(CertificateRevocationList crl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now >= crl.ThisUpdate + ((crl.NextUpdate - crl.ThisUpdate) / 2))
        {
            return false;
        }

        return await store.GetLastChangeSequenceAsync(crl.AuthorityId, cancellationToken).ConfigureAwait(false) <= crl.ChangesThrough;
    }

    /// <summary>How often a CRL is re-read when concurrent builders of the same CA keep taking numbers during its read.</summary>
    private const int CrlAttempts = 16;

    /// <summary>
    /// Creates a full CRL, or a delta CRL against <paramref name="baseCrl"/>; stores and returns it. A CRL's number is
    /// taken before its entries are read, and after the read the CA's last number must still be that one: otherwise
    /// another builder took a higher number while this one read — its CRL may list less than this read found — so this
    /// one waits a random moment, takes a new number and reads again. Thus of any two CRLs of a CA, the one with the
    /// higher number read its entries after the other finished reading: a higher number never lists less (RFC 5280
    /// section 5.2.3). Builders of one CA in this process take turns, so only other processes can overtake one.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.ConcurrencyConflict"/> when concurrent builders kept winning.</exception>
    private async ValueTask<CertificateRevocationList> CreateAsync(AuthorityContext signer, CertificateRevocationList? baseCrl, CancellationToken cancellationToken)
    {
        string authorityId = signer.Authority.Id;

        // Not inside a store transaction: that one holds the store's writer, which a builder waiting here may need.
        var turn = StoreTransaction.Current is null ? _crlBuildTurns.GetOrAdd(authorityId, _ => new SemaphoreSlim(1, 1)) : null;
        if (turn is not null)
        {
            await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            for (int attempt = 1; ; attempt++)
            {
                long number = await store.NextCrlNumberAsync(authorityId, cancellationToken).ConfigureAwait(false);
                // The changes numbered up to this one are visible to the read that follows: the CRL reflects them.
                long changesThrough = await store.GetLastChangeSequenceAsync(authorityId, cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var entries = await ReadEntriesAsync(authorityId, baseCrl, Asn1.DerTime.TruncateToSecond(now), now, cancellationToken).ConfigureAwait(false);
                if (await store.GetLastCrlNumberAsync(authorityId, cancellationToken).ConfigureAwait(false) == number)
                {
                    return await SignAndSaveAsync(signer, baseCrl, new CrlContents(number, now, changesThrough, entries), cancellationToken).ConfigureAwait(false);
                }

                if (attempt == CrlAttempts)
                {
                    throw new PkiException(PkiErrorCode.ConcurrencyConflict, $"Concurrent CRL creations for CA '{authorityId}' kept taking newer numbers; try again.");
                }

                // Two builders that retry in step would overtake each other forever: a random pause breaks the tie.
                var pause = TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, Math.Min(64, 2 << attempt)));
                // Real time, not the host's TimeProvider: the other builders are other processes, and a manual clock in a
                // test would never end the pause (while this builder holds the CA's turn).
                await Task.Delay(pause, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            turn?.Release();
        }
    }

    /// <summary>The entries a CRL made at <paramref name="now"/> lists (a delta: what changed since <paramref name="baseCrl"/>).</summary>
    private async ValueTask<List<CrlEntry>> ReadEntriesAsync(
        string authorityId, CertificateRevocationList? baseCrl, DateTimeOffset thisUpdate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = Settings;

        // The CA's previous full CRL (a delta's base): what it listed is known, so what may leave the list now too.
        var previous = baseCrl ?? await store.GetLatestCrlAsync(authorityId, delta: false, cancellationToken).ConfigureAwait(false);
        var query = new RevocationEntryQuery { AuthorityId = authorityId, ChangedAfter = baseCrl?.ChangesThrough };
        var entries = new List<CrlEntry>();
        await foreach (var entry in store.ListEntriesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (!settings.KeepExpiredOnCrl && entry.ExpiresOn < thisUpdate && entry.Status != CertificateStatus.Active
                && ListedAfterExpiry(entry, previous))
            {
                continue; // an expired certificate's entry, once a CRL issued after it expired has listed it (see below)
            }

            var reason = RevocationStateMachine.Published(entry.Status, entry.Reason);
            if (reason is null && baseCrl is not null && entry.Status == CertificateStatus.Active)
            {
                reason = RevocationReason.RemoveFromCrl; // reactivated since the base CRL (RFC 5280 section 5.3.1)
            }

            if (reason is { } published)
            {
                var revokedAt = published == RevocationReason.RemoveFromCrl ? entry.StatusChangedAt ?? now : entry.RevokedAt ?? entry.StatusChangedAt ?? now;
                entries.Add(new CrlEntry(entry.SerialNumber, revokedAt, published, entry.InvalidityDate));
            }
        }

        return entries;
    }

    /// <summary>What one CRL lists: its number, the clock reading and the change sequence it was read at, its entries.</summary>
    private sealed record CrlContents(long Number, DateTimeOffset ReadAt, long ChangesThrough, List<CrlEntry> Entries);

    private async ValueTask<CertificateRevocationList> SignAndSaveAsync(
        AuthorityContext signer, CertificateRevocationList? baseCrl, CrlContents contents, CancellationToken cancellationToken)
    {
        var settings = Settings;
        string authorityId = signer.Authority.Id;
        var (number, now, entries) = (contents.Number, contents.ReadAt, contents.Entries);
        var thisUpdate = Asn1.DerTime.TruncateToSecond(now);
        var nextUpdate = thisUpdate + (baseCrl is null ? settings.CrlValidity : settings.DeltaCrlValidity);
        var fields = new CrlFields(
            signer.Signature.AlgorithmIdentifier, signer.Name, signer.KeyIdentifier, thisUpdate, nextUpdate, number, baseCrl?.Number,
            signer.Authority.CrlDistributionPoint, signer.Authority.DeltaCrlDistributionPoint);
        byte[] tbs = CrlWriter.WriteTbs(fields, entries);
        byte[] signature = await signer.Key.SignAsync(tbs, cancellationToken).ConfigureAwait(false);
        var crl = new CertificateRevocationList
        {
            AuthorityId = authorityId,
            Number = number,
            BaseCrlNumber = baseCrl?.Number,
            ThisUpdate = thisUpdate,
            NextUpdate = nextUpdate,
            CreatedAt = now,
            ChangesThrough = contents.ChangesThrough,
            EntryCount = entries.Count,
            Der = CrlWriter.Assemble(tbs, signer.Signature.AlgorithmIdentifier, signature),
        };
        await store.SaveCrlAsync(crl, cancellationToken).ConfigureAwait(false);
        LogCrl(_logger, baseCrl is null ? "full" : "delta", number, authorityId, entries.Count);
        return crl;
    }

    /// <summary>
    /// True when <paramref name="previous"/> — made after the certificate expired, and reflecting its last status change —
    /// already listed the entry, so that it may now leave the CRL: RFC 5280 (sections 3.3 and 5.1.2.6) removes an entry
    /// only after it has appeared on one regularly scheduled CRL issued beyond the certificate's validity. (That CRL kept
    /// the entry by the same rule, since no CRL before it was made after both.) A certificate revoked after it expired is
    /// listed once too, and a delta never drops what changed since its base.
    /// </summary>
    private static bool ListedAfterExpiry(RevocationEntry entry, CertificateRevocationList? previous) =>
        previous is not null
        && entry.ExpiresOn < previous.ThisUpdate
        && entry.ChangeSequence > 0
        && entry.ChangeSequence <= previous.ChangesThrough;
}
