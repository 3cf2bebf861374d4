using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Issuance;

namespace Pki.Core.Authority;

/// <summary>The engine behind <see cref="ICertificateAuthority"/>; split by concern into partial files.</summary>
internal sealed partial class CertificateAuthorityService(
    IAuthorityStore authorities,
    ICertificateStore certificates,
    ISigningKeyProvider keys,
    AuthorityResolver resolver,
    IssuancePipeline pipeline,
    IdGenerator ids,
    TimeProvider time,
    IOptions<PkiOptions> options,
    Keys.PrivateKeyEscrow escrow,
    Issuance.Profiles.ProfileCatalog profiles,
    Revocation.OcspIssuerIndex issuers,
    ILogger<CertificateAuthorityService>? logger = null) : ICertificateAuthority
{
    private readonly ILogger _logger = logger ?? NullLogger<CertificateAuthorityService>.Instance;

    private const int MaxPageSize = 1000;

    public ValueTask<AuthorityRecord> GetAsync(CaReference authority, CancellationToken cancellationToken = default) =>
        resolver.FindAsync(authority, cancellationToken);

    public async IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new AuthorityQuery();
        CheckLimit(query.Limit);
        await foreach (var authority in authorities.ListAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return authority;
        }
    }

    public async ValueTask<string> GetChainPemAsync(CaReference authority, CancellationToken cancellationToken = default)
    {
        var record = await resolver.FindAsync(authority, cancellationToken).ConfigureAwait(false);
        return await resolver.BuildChainPemAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CertificateRecord> GetCertificateAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await certificates.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new PkiException(PkiErrorCode.CertificateNotFound, $"Certificate '{id}' does not exist.");
    }

    public async IAsyncEnumerable<CertificateRecord> ListCertificatesAsync(CertificateQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new CertificateQuery();
        CheckLimit(query.Limit);
        await foreach (var certificate in certificates.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return certificate;
        }
    }

    private static void CheckLimit(int limit)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A page holds 1 to {MaxPageSize} entries, not {limit}.");
        }
    }

    private async ValueTask EnsureNameIsFreeAsync(string name, string? organization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || !RequestText.IsClean(name))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A CA name must be 1 to 200 characters without control characters or unpaired surrogates.");
        }

        RequestText.CheckOrganization(organization);

        if (await authorities.FindByNameAsync(name, organization, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new PkiException(PkiErrorCode.Conflict, $"A CA named '{name}' already exists" + (organization is null ? "." : $" in '{organization}'."));
        }
    }

    /// <summary>
    /// The CRL distribution point, delta CRL and AIA URLs go into every certificate the CA issues as IA5String URIs: they
    /// must be absolute, with a scheme, in printable ASCII without spaces (as a URI SAN), and at most 2048 characters.
    /// A delta CRL URL needs a CRL distribution point (relying parties read a delta CRL with its base) other than itself.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> naming the field.</exception>
    private static void CheckUrls(Uri? crlDistributionPoint, Uri? deltaCrlDistributionPoint, Uri? ocspResponder, Uri? caIssuers)
    {
        Check(crlDistributionPoint, "CrlDistributionPoint");
        Check(deltaCrlDistributionPoint, "DeltaCrlDistributionPoint");
        Check(ocspResponder, "OcspResponder");
        Check(caIssuers, "CaIssuers");
        if (deltaCrlDistributionPoint is not null && (crlDistributionPoint is null || crlDistributionPoint == deltaCrlDistributionPoint))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                "DeltaCrlDistributionPoint needs a CrlDistributionPoint, and a different one: relying parties read a delta CRL together with its base (RFC 5280 section 5.2.6).");
        }

        static void Check(Uri? url, string field)
        {
            if (url is not null && !SubjectAlternativeNameSyntax.IsUri(url))
            {
                throw new PkiException(PkiErrorCode.InvalidRequest,
                    $"{field} must be an absolute URL with a scheme, in printable ASCII without spaces, of at most {SubjectAlternativeNameSyntax.MaximumUriLength} characters.");
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Created CA {AuthorityId} '{Name}' ({Subject}), parent {ParentId}")]
    private static partial void LogCreated(ILogger logger, string authorityId, string name, DistinguishedName subject, string? parentId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Imported CA {AuthorityId} '{Name}' ({Subject})")]
    private static partial void LogImported(ILogger logger, string authorityId, string name, DistinguishedName subject);
}
