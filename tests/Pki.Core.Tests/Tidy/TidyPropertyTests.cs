using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using Pki.Core.Storage.InMemory;
using Pki.Core.Tests.TestSupport;
using Pki.Core.Tidy;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Tidy;

public sealed class TidyPropertyTests
{
    private static readonly TimeSpan[] Offsets = [TimeSpan.FromDays(-2), TimeSpan.FromSeconds(-1), TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(2)];

    private static readonly CertificateStatus[] Statuses = Enum.GetValues<CertificateStatus>();

    /// <summary>
    /// For random certificates (expiry around the cutoff, any status, CA or not, referenced by a finished token or not,
    /// with an own, a shared, a CA or no key) and random tokens, one tidy pass with small batches removes exactly the
    /// eligible records — as the rules say, evaluated here independently — and leaves every other record as it was.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property After_tidy_exactly_the_eligible_records_are_gone_and_the_rest_is_untouched(int[] certificateCodes, int[] tokenCodes, bool keepExpiredOnCrl, int crlCode)
    {
        var clock = PkiTestHost.FakeClock();
        var options = new PkiOptions();
        options.Tidy.BatchSize = 3;
        options.Tidy.MaxBatchesPerRun = 1000;
        options.Revocation.KeepExpiredOnCrl = keepExpiredOnCrl;
        var now = clock.GetUtcNow();
        var certificateCutoff = now - options.Tidy.CertificateRetention;
        var tokenCutoff = now - options.Tidy.TokenRetention;

        var keys = new InMemoryPrivateKeyStore();
        var certificates = new InMemoryCertificateStore(keys);
        using var tokens = new InMemoryRequestTokenStore(certificates);
        var ca = ConformanceRecords.NewAuthoritySummary();
        var authorities = new InMemoryAuthorityStore();
        authorities.AddAsync(ConformanceRecords.Authority(id: ca.Id), default).AsTask().GetAwaiter().GetResult();
        var revocation = new InMemoryRevocationStore(certificates);

        // The CA's latest full CRL was issued at "published" (none at all, one time in six) and reflects the status changes
        // numbered up to "changesThrough" (each certificate added with a status history takes the next number).
        int crlChoice = CertificateChoice.Mix(crlCode) % (Offsets.Length + 1);
        DateTimeOffset? published = crlChoice < Offsets.Length ? certificateCutoff + Offsets[crlChoice] : null;
        long changesThrough = published is null ? 0 : (CertificateChoice.Mix(crlCode) / 8) % (certificateCodes.Length + 1);
        if (published is { } thisUpdate)
        {
            revocation.SaveCrlAsync(new CertificateRevocationList
            {
                AuthorityId = ca.Id, Number = 1, ThisUpdate = thisUpdate, NextUpdate = thisUpdate + TimeSpan.FromDays(7),
                CreatedAt = thisUpdate, ChangesThrough = changesThrough, EntryCount = 0, Der = new byte[] { 0x30, 0x00 },
            }, default).AsTask().GetAwaiter().GetResult();
        }

        long lastSequence = 0;
        var expectedCertificates = new List<string>();
        var expectedTokens = new List<string>();
        var keyReferences = new Dictionary<string, (bool Escrowed, int Kept)>();
        StoredPrivateKey? previousKey = null;

        int redeemedInto = 0;
        foreach (int raw in tokenCodes)
        {
            var token = Token(ca, raw, tokenCutoff, certificateId: null);
            if (token.Stored.Token.CertificateId is { } certificateId)
            {
                // Every store refuses a token naming a certificate it does not hold: the one it was redeemed into, which tidy keeps.
                var redeemed = ConformanceRecords.Certificate(ca) with { Id = certificateId, ExpiresOn = now.AddYears(1), PrivateKeyId = null };
                certificates.AddAsync(redeemed, default).AsTask().GetAwaiter().GetResult();
                lastSequence += CertificateRecordRules.HasStatusHistory(redeemed) ? 1 : 0; // it takes a number too
                expectedCertificates.Add(certificateId);
                redeemedInto++;
            }

            tokens.AddAsync(token.Stored, default).AsTask().GetAwaiter().GetResult();
            if (!token.Finished)
            {
                expectedTokens.Add(token.Stored.Token.Id);
            }
        }

        foreach (int raw in certificateCodes)
        {
            var choice = CertificateChoice.From(raw);
            var record = ConformanceRecords.Certificate(ca) with
            {
                ExpiresOn = certificateCutoff + Offsets[choice.Offset],
                Status = Statuses[choice.Status],
                Type = choice.IsAuthority ? CertificateType.CertificateAuthority : CertificateType.Client,
                PrivateKeyId = null,
                // Revoked, held or pending ones changed at some point; an active one may have been reactivated, or never changed.
                StatusChangedAt = choice.ChangedOffset is { } changed ? certificateCutoff + Offsets[changed]
                    : Statuses[choice.Status] == CertificateStatus.Active ? null : certificateCutoff + Offsets[0],
            };

            // The key: none, an own escrowed one, the previous certificate's (shared), or a CA key (empty hash).
            StoredPrivateKey? key = choice.KeyKind switch
            {
                1 => ConformanceRecords.PrivateKey() with { EscrowIndex = RandomNumberGenerator.GetBytes(32) },
                2 => previousKey,
                3 => ConformanceRecords.PrivateKey(),
                _ => null,
            };
            if (key is not null && !keyReferences.ContainsKey(key.Id))
            {
                keys.AddAsync(key, default).AsTask().GetAwaiter().GetResult();
                keyReferences[key.Id] = (!key.EscrowIndex.IsEmpty, 0);
            }

            previousKey = key ?? previousKey;
            record = record with { PrivateKeyId = key?.Id };
            certificates.AddAsync(record, default).AsTask().GetAwaiter().GetResult();
            long sequence = CertificateRecordRules.HasStatusHistory(record) ? ++lastSequence : 0;

            bool referencedByKeptToken = false;
            if (choice.TokenCode is { } tokenCode)
            {
                var token = Token(ca, tokenCode, tokenCutoff, record.Id);
                tokens.AddAsync(token.Stored, default).AsTask().GetAwaiter().GetResult();
                referencedByKeptToken = !token.Finished;
                if (!token.Finished)
                {
                    expectedTokens.Add(token.Stored.Token.Id);
                }
            }

            // A certificate whose status changed leaves only once the CA's latest full CRL published that change (and, unless
            // active again, its expiry): RFC 5280 section 3.3.
            bool publishedItsChange = sequence > 0
                ? published is not null && sequence <= changesThrough && (record.Status == CertificateStatus.Active || record.ExpiresOn < published)
                : record.Status == CertificateStatus.Active;
            bool removed = record.ExpiresOn < certificateCutoff
                && record.Type != CertificateType.CertificateAuthority
                && !(keepExpiredOnCrl && record.Status != CertificateStatus.Active)
                && publishedItsChange
                && !referencedByKeptToken;
            if (!removed)
            {
                expectedCertificates.Add(record.Id);
            }

            if (key is not null && !removed)
            {
                keyReferences[key.Id] = keyReferences[key.Id] with { Kept = keyReferences[key.Id].Kept + 1 };
            }
        }

        var service = new TidyService(certificates, tokens, revocation, keys, authorities, clock, Options.Create(options));
        var report = service.TidyAsync(null, default).AsTask().GetAwaiter().GetResult();

        var remainingCertificates = certificates.QueryAsync(new CertificateQuery { Limit = 100_000 }, default).Select(c => c.Id).ToListAsync().AsTask().GetAwaiter().GetResult();
        var remainingTokens = tokens.ListAsync(new RequestTokenQuery { Limit = 100_000 }, now, default).Select(t => t.Id).ToListAsync().AsTask().GetAwaiter().GetResult();
        var expectedKeys = keyReferences.Where(k => !k.Value.Escrowed || k.Value.Kept > 0).Select(k => k.Key).Order(StringComparer.Ordinal).ToList();
        var remainingKeys = keys.ListAsync(new PrivateKeyQuery { Limit = 100_000 }, default).Select(k => k.Id).ToListAsync().AsTask().GetAwaiter().GetResult();

        return (remainingCertificates.Order(StringComparer.Ordinal).SequenceEqual(expectedCertificates.Order(StringComparer.Ordinal))
                && remainingTokens.Order(StringComparer.Ordinal).SequenceEqual(expectedTokens.Order(StringComparer.Ordinal))
                && remainingKeys.SequenceEqual(expectedKeys)
                && report.CertificatesRemoved == certificateCodes.Length + redeemedInto - expectedCertificates.Count
                && report.PrivateKeysRemoved == keyReferences.Count - expectedKeys.Count
                && !report.StoppedEarly)
            .Label($"certificates {remainingCertificates.Count}/{expectedCertificates.Count}, tokens {remainingTokens.Count}/{expectedTokens.Count}, keys {remainingKeys.Count}/{expectedKeys.Count}");
    }

    [Fact]
    public void The_generated_integers_reach_every_kind_of_certificate()
    {
        // FsCheck's integers stay within ±100 here; each must still reach every key kind, CA or not, with or without a
        // token, and tokens finished or not — else the property above checks fewer cases than it claims.
        var choices = Enumerable.Range(-100, 201).Select(CertificateChoice.From).ToList();
        Assert.Equal([0, 1, 2, 3], choices.Select(c => c.KeyKind).Distinct().Order());
        Assert.Equal(Offsets.Length, choices.Select(c => c.Offset).Distinct().Count());
        Assert.Equal(Statuses.Length, choices.Select(c => c.Status).Distinct().Count());
        Assert.Equal([false, true], choices.Select(c => c.IsAuthority).Distinct().Order());
        var ca = ConformanceRecords.NewAuthoritySummary();
        var finished = choices.Where(c => c.TokenCode is not null).Select(c => Token(ca, c.TokenCode!.Value, DateTimeOffset.UnixEpoch, "c").Finished).ToList();
        Assert.Contains(true, finished);
        Assert.Contains(false, finished);
        Assert.Contains(choices, c => c.TokenCode is null);
    }

    /// <summary>What one generated integer makes of a certificate. The integer is mixed first: FsCheck's are small, and
    /// slices of a small integer's bits would leave most choices at 0.</summary>
    private sealed record CertificateChoice(int Offset, int Status, bool IsAuthority, int KeyKind, int? TokenCode, int? ChangedOffset)
    {
        public static CertificateChoice From(int raw)
        {
            int code = Mix(raw);
            int changed = code / 3600 % (Offsets.Length + 1);
            return new(code % Offsets.Length, code / 5 % Statuses.Length, code / 25 % 4 == 0, code / 100 % 4, code / 400 % 3 != 0 ? code / 1200 : null,
                changed < Offsets.Length ? changed : null);
        }

        public static int Mix(int raw)
        {
            uint mixed = unchecked((uint)raw * 2654435761u);
            mixed ^= mixed >> 15;
            mixed = unchecked(mixed * 2246822519u);
            mixed ^= mixed >> 13;
            return (int)(mixed & int.MaxValue);
        }
    }

    /// <summary>A token in a state chosen by <paramref name="raw"/>, finished (or expiring) around <paramref name="cutoff"/>.</summary>
    private static (StoredRequestToken Stored, bool Finished) Token(AuthoritySummary ca, int raw, DateTimeOffset cutoff, string? certificateId)
    {
        int code = raw & int.MaxValue;
        var at = cutoff + Offsets[code % Offsets.Length];
        var stored = ConformanceTokens.Token(ca);

        // A token referencing a certificate was redeemed (used) and may since have been deleted; any other may also be unused.
        int state = certificateId is null ? code / 5 % 3 : 1 + (code / 5 % 2);
        var token = state switch
        {
            0 => stored.Token with { ExpiresAt = at },
            1 => stored.Token with { State = RequestTokenState.Used, RedeemedAt = at, CertificateId = certificateId ?? ConformanceRecords.NewId(), ExpiresAt = at.AddDays(7) },
            _ => stored.Token with { State = RequestTokenState.Deleted, DeletedAt = at, CertificateId = certificateId, ExpiresAt = at.AddDays(7) },
        };
        return (stored with { Token = token }, at < cutoff);
    }
}
