using Pki.Core.Audit;
using Pki.Core.Diagnostics;
using Pki.Core.Revocation;

namespace Pki.Core.Authorization.Governed;

/// <summary>
/// <see cref="IRevocationService"/> as hosts see it: revoke, hold, reactivate and publish need <c>revoke_cert</c> on the
/// issuing CA (or Admin/Superuser); OCSP answers anyone (it is public by design); everything is audited once.
/// </summary>
internal sealed class GovernedRevocationService(
    RevocationService inner,
    GovernedAuthorityLookup lookup,
    PkiAuthorizer authorizer,
    AuditWriter audit) : IRevocationService
{
    public ValueTask<CertificateRecord> RevokeAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CertificateRecord? target = null; // once found and allowed: a refusal from here on names it
        return audit.RecordAsync("certificate.revoke", AuditObjects.Certificate, null, async () =>
        {
            target = await DemandOnCertificateAsync(request.Certificate, cancellationToken).ConfigureAwait(false);
            var record = await inner.RevokeAsync(request, cancellationToken).ConfigureAwait(false);
            PkiTelemetry.Revocations.Add(1, new KeyValuePair<string, object?>("reason", request.Reason.ToString()));
            return record;
        }, r => (r.Id, r.CertificateAuthority.Id), inOneTransaction: true, () => (target?.Id, target?.CertificateAuthority.Id), cancellationToken);
    }

    public ValueTask<CertificateRecord> ReactivateAsync(CertificateReference certificate, CancellationToken cancellationToken = default)
    {
        CertificateRecord? target = null; // as in RevokeAsync
        return audit.RecordAsync("certificate.reactivate", AuditObjects.Certificate, null, async () =>
        {
            target = await DemandOnCertificateAsync(certificate, cancellationToken).ConfigureAwait(false);
            var record = await inner.ReactivateAsync(certificate, cancellationToken).ConfigureAwait(false);
            PkiTelemetry.Revocations.Add(1, new KeyValuePair<string, object?>("reason", "reactivate"));
            return record;
        }, r => (r.Id, r.CertificateAuthority.Id), inOneTransaction: true, () => (target?.Id, target?.CertificateAuthority.Id), cancellationToken);
    }

    public async ValueTask<CertificateRecord> GetStatusAsync(CertificateReference certificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Authority is { Name: not null } authority)
        {
            // A CA named for a serial resolves as names do for this caller (within its organization): another organization's
            // is not found, as a missing one. (By id, the certificate's own visibility decides, below.)
            var visible = await lookup.FindVisibleAsync(authority, cancellationToken).ConfigureAwait(false);
            certificate = CertificateReference.BySerialNumber(CaReference.ById(visible.Id), certificate.SerialNumber);
        }

        var record = await inner.GetStatusAsync(certificate, cancellationToken).ConfigureAwait(false);
        return await lookup.CanSeeCertificateAsync(record, cancellationToken).ConfigureAwait(false)
            ? record
            : throw new PkiException(PkiErrorCode.CertificateNotFound, $"The {certificate} does not exist."); // as when there is none
    }

    public ValueTask<CertificateRevocationList> PublishAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        PublishingAsync("crl.publish", authority, a => inner.PublishAsync(a, cancellationToken), inOneTransaction: true, cancellationToken);

    public async ValueTask<CertificateRevocationList> GetCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        // CRLs are public documents: reading one needs only that the CA is visible to the caller.
        var visible = await lookup.FindVisibleAsync(authority, cancellationToken).ConfigureAwait(false);
        return await inner.GetCrlAsync(CaReference.ById(visible.Id), CreateOnDemandAsync, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRevocationList> GetDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        // As GetCrlAsync: a public document, for any caller that can see the CA.
        var visible = await lookup.FindVisibleAsync(authority, cancellationToken).ConfigureAwait(false);
        return await inner.GetDeltaCrlAsync(CaReference.ById(visible.Id), CreateOnDemandAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A CRL that <see cref="GetCrlAsync"/> or <see cref="GetDeltaCrlAsync"/> signs because the stored one is stale: audited
    /// as the caller's <c>crl.create</c> / <c>crl.create-delta</c> like an explicit creation, without the Publish
    /// permission (anyone who may read the CA's CRL may cause its renewal). Concurrent requests share one creation, so
    /// one event; a delta on a CA without a full CRL makes (and audits) the full one first. A failure is not audited:
    /// the request asked to read, and anonymous readers must not grow the log with one refusal each.
    /// </summary>
    private async ValueTask<CertificateRevocationList> CreateOnDemandAsync(CaReference authority, bool delta, CancellationToken cancellationToken)
    {
        if (delta && !await inner.HasFullCrlAsync(authority, cancellationToken).ConfigureAwait(false))
        {
            await CreateOnDemandAsync(authority, delta: false, cancellationToken).ConfigureAwait(false);
            cancellationToken = CancellationToken.None; // a CRL was made: the delta on it completes too
        }

        return await audit.RecordSuccessAsync(
            delta ? "crl.create-delta" : "crl.create", AuditObjects.Crl, () => CreateCountedAsync(authority, delta, cancellationToken), DescribeCrl, cancellationToken)
            .ConfigureAwait(false);
    }

    private async ValueTask<CertificateRevocationList> CreateCountedAsync(CaReference authority, bool delta, CancellationToken cancellationToken)
    {
        var crl = delta
            ? await inner.CreateDeltaCrlAsync(authority, cancellationToken).ConfigureAwait(false)
            : await inner.CreateCrlAsync(authority, cancellationToken).ConfigureAwait(false);
        CountProduced(crl);
        return crl;
    }

    private static (string? ObjectId, string? AuthorityId) DescribeCrl(CertificateRevocationList crl) =>
        (crl.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), crl.AuthorityId);

    private static void CountProduced(CertificateRevocationList crl) =>
        PkiTelemetry.CrlsProduced.Add(1, new KeyValuePair<string, object?>("kind", crl.BaseCrlNumber is null ? "full" : "delta"));

    public ValueTask<CertificateRevocationList> CreateCrlAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        PublishingAsync("crl.create", authority, a => inner.CreateCrlAsync(a, cancellationToken), inOneTransaction: false, cancellationToken);

    public ValueTask<CertificateRevocationList> CreateDeltaCrlAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        PublishingAsync("crl.create-delta", authority, async a =>
        {
            // A CA without a full CRL gets one first, audited as its own creation: every CRL its key signs has an event.
            // Once that is stored, the delta completes whatever the caller does (a change was made).
            // (Its failure is this operation's, audited once as crl.create-delta; the caller was allowed to publish above.)
            var token = cancellationToken;
            if (!await inner.HasFullCrlAsync(a, token).ConfigureAwait(false))
            {
                await audit.RecordSuccessAsync("crl.create", AuditObjects.Crl, () => CreateCountedAsync(a, delta: false, token), DescribeCrl, token)
                    .ConfigureAwait(false);
                token = CancellationToken.None;
            }

            return await inner.CreateDeltaCrlAsync(a, token).ConfigureAwait(false);
        }, inOneTransaction: false, cancellationToken);

    public async ValueTask<byte[]> RespondAsync(ReadOnlyMemory<byte> ocspRequestDer, CancellationToken cancellationToken = default) =>
        (await AnswerAsync(ocspRequestDer, cancellationToken).ConfigureAwait(false)).Der.ToArray();

    public async ValueTask<OcspResponse> AnswerAsync(ReadOnlyMemory<byte> ocspRequestDer, CancellationToken cancellationToken = default)
    {
        var response = await inner.AnswerAsync(ocspRequestDer, cancellationToken).ConfigureAwait(false);
        PkiTelemetry.OcspResponses.Add(1);
        return response;
    }

    public ValueTask<IssuedCertificate> IssueOcspSigningCertificateAsync(CaReference authority, int? validityDays = null, CancellationToken cancellationToken = default) =>
        audit.RecordAsync("certificate.issue-ocsp-signer", AuditObjects.Certificate, null, async () =>
        {
            var visible = await lookup.DemandAsync(authority, PkiOperation.Publish, cancellationToken).ConfigureAwait(false);
            return await inner.IssueOcspSigningCertificateAsync(CaReference.ById(visible.Id), validityDays, cancellationToken).ConfigureAwait(false);
        }, IssuanceMetrics.Describe, inOneTransaction: true, cancellationToken);

    /// <summary>
    /// A CRL operation. A publication changes statuses (and, for a CA certificate, the CA) before its CRL: those changes,
    /// the CRL and the event are one store transaction. Creating a CRL only takes a number and stores the CRL: a failure
    /// between the two leaves a gap in the numbers, which RFC 5280 allows, so it does not hold the store's writer while
    /// the CRL is built.
    /// </summary>
    private ValueTask<CertificateRevocationList> PublishingAsync(
        string action, CaReference authority, Func<CaReference, ValueTask<CertificateRevocationList>> operation, bool inOneTransaction, CancellationToken cancellationToken) =>
        audit.RecordAsync(action, AuditObjects.Crl, null, async () =>
        {
            var visible = await lookup.DemandAsync(authority, PkiOperation.Publish, cancellationToken).ConfigureAwait(false);
            var crl = await operation(CaReference.ById(visible.Id)).ConfigureAwait(false);
            CountProduced(crl);
            return crl;
        }, DescribeCrl, inOneTransaction, cancellationToken);

    /// <summary>The certificate <paramref name="reference"/> names, once the caller is found allowed to change its status.</summary>
    private async ValueTask<CertificateRecord> DemandOnCertificateAsync(CertificateReference reference, CancellationToken cancellationToken)
    {
        var record = await GetStatusAsync(reference, cancellationToken).ConfigureAwait(false);
        var authority = await lookup.FindVisibleAsync(CaReference.ById(record.CertificateAuthority.Id), cancellationToken).ConfigureAwait(false);
        authorizer.Demand(PkiOperation.Revoke, authority.Id, authority.Organization, record.Id);
        return record;
    }
}
