using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Authority;
using Pki.Core.Issuance;

namespace Pki.Core.Revocation;

/// <summary>The engine behind <see cref="IRevocationService"/>; split by concern into partial files (lifecycle, CRL, OCSP).</summary>
internal sealed partial class RevocationService(
    IRevocationStore store,
    ICertificateStore certificates,
    IAuthorityStore authorities,
    AuthorityResolver resolver,
    ISigningKeyProvider keys,
    IssuancePipeline pipeline,
    EnrollmentPolicyEnforcer enrollment,
    OcspIssuerIndex issuers,
    TimeProvider time,
    IOptions<PkiOptions> options,
    ILogger<RevocationService>? logger = null) : IRevocationService
{
    /// <summary>How often a lost compare-and-set is retried before <see cref="PkiErrorCode.ConcurrencyConflict"/>.</summary>
    private const int TransitionAttempts = 8;

    private readonly ILogger _logger = logger ?? NullLogger<RevocationService>.Instance;
    private readonly ConcurrentDictionary<string, CachedOcspResponse> _ocspCache = new(StringComparer.Ordinal);
    private long _ocspCacheBytes;
    private readonly ConcurrentDictionary<string, ResponderSigner> _responders = new(StringComparer.Ordinal);

    // CreateCurrentAsync: one creation at a time per CA and kind (full or delta), and the last one made with how many
    // requests had arrived when it started.
    private readonly ConcurrentDictionary<(string AuthorityId, bool Delta), SemaphoreSlim> _crlCreationGates = new();
    private readonly ConcurrentDictionary<(string AuthorityId, bool Delta), (long RequestsBeforeStart, CertificateRevocationList Crl)> _lastCreated = new();
    private long _crlRequests;

    /// <summary>CRL builders of one CA in this process take turns (see CreateAsync in the CRL part).</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _crlBuildTurns = new(StringComparer.Ordinal);

    /// <summary>Bumped by every status change made through this instance; cached OCSP responses of older generations are discarded.</summary>
    private long _generation;

    private RevocationOptions Settings => options.Value.Revocation;

    public ValueTask<CertificateRecord> GetStatusAsync(CertificateReference certificate, CancellationToken cancellationToken = default) =>
        FindCertificateAsync(certificate, cancellationToken);

    /// <exception cref="PkiException"><see cref="PkiErrorCode.CertificateNotFound"/>, <see cref="PkiErrorCode.AuthorityNotFound"/>.</exception>
    private async ValueTask<CertificateRecord> FindCertificateAsync(CertificateReference certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        CertificateRecord? record;
        if (certificate.Id is { } id)
        {
            record = await certificates.GetAsync(id, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var authority = await resolver.FindAsync(certificate.Authority!, cancellationToken).ConfigureAwait(false);
            record = await certificates.FindBySerialNumberAsync(authority.Id, certificate.SerialNumber, cancellationToken).ConfigureAwait(false);
        }

        return record ?? throw new PkiException(PkiErrorCode.CertificateNotFound, $"The {certificate} does not exist.");
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Certificate {CertificateId} serial {SerialNumber} of CA {AuthorityId}: {OldStatus} -> {NewStatus} ({Reason})")]
    private static partial void LogTransition(ILogger logger, string certificateId, string serialNumber, string authorityId, CertificateStatus oldStatus, CertificateStatus newStatus, RevocationReason? reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "CA {AuthorityId} '{Name}' is now {Status} because its certificate is {CertificateStatus}")]
    private static partial void LogAuthorityStatus(ILogger logger, string authorityId, string name, AuthorityStatus status, CertificateStatus certificateStatus);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Created {Kind} CRL {Number} of CA {AuthorityId} with {Entries} entries")]
    private static partial void LogCrl(ILogger logger, string kind, long number, string authorityId, int entries);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "An OCSP request failed; answered internalError")]
    private static partial void LogOcspFailure(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Issued delegated OCSP responder {CertificateId} for CA {AuthorityId}, valid until {NotAfter}")]
    private static partial void LogResponder(ILogger logger, string certificateId, string authorityId, DateTimeOffset notAfter);
}
