using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// A certificate store offered the operation's audit event (<see cref="PendingAuditEvent"/>) either writes it in the
/// certificate's transaction or leaves it to the engine; either way a refused certificate leaves no event behind and the
/// store goes on working.
/// </summary>
public abstract class AuditedWriteConformance : StoreConformanceBase
{
    /// <summary>Creates a fresh, empty certificate store and the audit store of the same database.</summary>
    protected abstract ValueTask<(ICertificateStore Certificates, IAuditStore Audit)> CreateStoresAsync();

    /// <summary>Creates a fresh, empty request-token store and the audit store of the same database.</summary>
    protected abstract ValueTask<(IRequestTokenStore Tokens, IAuditStore Audit)> CreateTokenStoresAsync();

    [Fact]
    public async Task A_new_token_offered_its_event_is_stored_with_it_or_leaves_it_and_a_refused_one_leaves_none()
    {
        var (tokens, audit) = await CreateTokenStoresAsync();
        Track(tokens);
        Track(audit);
        var authority = ConformanceRecords.NewAuthoritySummary();
        var first = ConformanceTokens.Token(authority);
        long written = 0;
        using (var pending = PendingAuditEvent.Begin(AuditObjectTypes.Token, (id, _) => last => TokenEventFor(last, id)))
        {
            await tokens.AddAsync(first, NoCancellation);
            if (pending.WrittenEvent is { } auditEvent)
            {
                // The store took the event: in the log, first in the chain, naming this token.
                Assert.Equal(++written, auditEvent.Sequence);
                Assert.Equal(first.Token.Id, (await audit.GetLastAsync(NoCancellation))!.ObjectId);
            }
            else
            {
                Assert.Null(await audit.GetLastAsync(NoCancellation));
            }
        }

        Assert.NotNull(await tokens.GetAsync(first.Token.Id, NoCancellation));

        // The same secret hash again: refused, and no event left behind for it.
        var duplicate = ConformanceTokens.Token(authority, secretHash: first.SecretHash.ToArray());
        using (var pending = PendingAuditEvent.Begin(AuditObjectTypes.Token, (id, _) => last => TokenEventFor(last, id)))
        {
            var refused = await Assert.ThrowsAsync<PkiException>(() => tokens.AddAsync(duplicate, NoCancellation).AsTask());
            Assert.Equal(PkiErrorCode.Conflict, refused.Code);
            Assert.Null(pending.WrittenEvent);
        }

        Assert.Null(await tokens.GetAsync(duplicate.Token.Id, NoCancellation));
        Assert.Equal(written == 0 ? null : written, (await audit.GetLastAsync(NoCancellation))?.Sequence);
    }

    [Fact]
    public async Task A_certificate_refused_for_its_serial_number_leaves_no_event_and_the_next_audited_writes_commit()
    {
        var (certificates, audit) = await CreateStoresAsync();
        Track(certificates);
        Track(audit);
        var authority = ConformanceRecords.NewAuthoritySummary();
        var first = ConformanceRecords.Certificate(authority);
        await certificates.AddAsync(first, NoCancellation);
        var duplicate = ConformanceRecords.Certificate(authority, serialNumber: first.SerialNumber);

        using (var pending = PendingAuditEvent.Begin(AuditObjectTypes.Certificate, (id, _) => last => EventFor(last, id)))
        {
            var refused = await Assert.ThrowsAsync<PkiException>(() => certificates.AddAsync(duplicate, NoCancellation).AsTask());
            Assert.Equal(PkiErrorCode.DuplicateSerialNumber, refused.Code);
            Assert.Null(pending.WrittenEvent);
        }

        Assert.Null(await certificates.GetAsync(duplicate.Id, NoCancellation));
        Assert.Null(await audit.GetLastAsync(NoCancellation));

        long written = 0;
        for (int i = 0; i < 2; i++)
        {
            var next = ConformanceRecords.Certificate(authority);
            using var pending = PendingAuditEvent.Begin(AuditObjectTypes.Certificate, (id, _) => last => EventFor(last, id));
            await certificates.AddAsync(next, NoCancellation);

            Assert.NotNull(await certificates.GetAsync(next.Id, NoCancellation));
            if (pending.WrittenEvent is { } auditEvent)
            {
                // The store took the event: it is in the log, next in the chain, naming this certificate.
                Assert.Equal(++written, auditEvent.Sequence);
                Assert.Equal(next.Id, (await audit.GetLastAsync(NoCancellation))!.ObjectId);
            }
            else
            {
                Assert.Equal(written == 0 ? null : written, (await audit.GetLastAsync(NoCancellation))?.Sequence);
            }
        }
    }

    private static AuditEvent EventFor(AuditEvent? last, string certificateId) => new()
    {
        Sequence = (last?.Sequence ?? 0) + 1,
        Timestamp = ConformanceRecords.BaseTime,
        Actor = "conformance",
        Action = "certificate.issue",
        ObjectType = AuditObjectTypes.Certificate,
        ObjectId = certificateId,
        Outcome = AuditOutcome.Success,
        PreviousHash = last?.Hash ?? new string('0', 64),
        Hash = ((last?.Sequence ?? 0) + 1).ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static AuditEvent TokenEventFor(AuditEvent? last, string tokenId) =>
        ConformanceRecords.ChainedEvent(last, tokenId) with { Action = "token.create", ObjectType = AuditObjectTypes.Token };
}
