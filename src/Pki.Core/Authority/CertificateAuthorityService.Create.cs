using Pki.Core.Asn1;
using Pki.Core.Issuance;
using Pki.Core.Keys;

namespace Pki.Core.Authority;

internal sealed partial class CertificateAuthorityService
{
    public ValueTask<AuthorityRecord> CreateRootAsync(CreateRootAuthorityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CreateCoreAsync(request, parent: null, cancellationToken);
    }

    public ValueTask<AuthorityRecord> CreateIntermediateAsync(CreateIntermediateAuthorityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CreateCoreAsync(request, request.Parent, cancellationToken);
    }

    private async ValueTask<AuthorityRecord> CreateCoreAsync(CreateAuthorityRequest request, CaReference? parent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Subject);
        if (!KeyAlgorithmFacts.IsDefined(request.KeyAlgorithm))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"Unknown key algorithm {request.KeyAlgorithm}.");
        }

        CheckAlternativeKeyAlgorithm(request);
        if (request.Subject.Components.Count == 0)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A CA needs a non-empty subject.");
        }

        // Everything the request can get wrong is checked before a key is made: a refused request leaves no key behind.
        CheckUrls(request.CrlDistributionPoint, request.DeltaCrlDistributionPoint, request.OcspResponder, request.CaIssuers);
        AuthorityCertificateFactory.CheckNameConstraints(request.NameConstraints);
        await EnsureNameIsFreeAsync(request.Name, request.Organization, cancellationToken).ConfigureAwait(false);
        var settings = options.Value;
        var issuer = parent is null ? null : await resolver.ResolveIssuerAsync(parent, cancellationToken).ConfigureAwait(false);
        int? pathLength = ChoosePathLength(request.PathLengthConstraint, issuer);
        int days = request.ValidityDays ?? (issuer is null ? settings.DefaultRootValidityDays : settings.DefaultIntermediateValidityDays);
        var validity = ValidityWindow.Compute(
            time.GetUtcNow(), days, maximumDays: 100 * 366, TimeSpan.FromMinutes(1),
            issuer?.Authority.NotBefore ?? DateTimeOffset.MinValue, issuer?.Authority.NotAfter ?? DateTimeOffset.MaxValue, settings.ValidityNesting);

        string keyId = await keys.CreateAsync(request.KeyAlgorithm, cancellationToken).ConfigureAwait(false);
        var key = await keys.LoadStoredAsync(keyId, cancellationToken).ConfigureAwait(false);
        string? alternativeKeyId = request.AlternativeKeyAlgorithm is { } alternativeAlgorithm
            ? await keys.CreateAsync(alternativeAlgorithm, cancellationToken).ConfigureAwait(false)
            : null;
        var alternativeKey = alternativeKeyId is null ? null : await keys.LoadStoredAsync(alternativeKeyId, cancellationToken).ConfigureAwait(false);
        var signed = await AuthorityCertificateFactory.CreateAsync(
            request.Subject, key, issuer, validity, pathLength, request.NameConstraints, cancellationToken, alternativeKey).ConfigureAwait(false);

        var authority = new AuthorityRecord
        {
            Id = ids.NewId(),
            Name = request.Name,
            Organization = request.Organization,
            ParentId = issuer?.Authority.Id,
            IsRoot = issuer is null,
            Subject = request.Subject,
            CertificatePem = PemCertificates.Encode(signed.Der),
            KeyAlgorithm = request.KeyAlgorithm,
            KeyId = keyId,
            AlternativeKeyAlgorithm = request.AlternativeKeyAlgorithm,
            AlternativeKeyId = alternativeKeyId,
            SerialNumber = signed.SerialNumber,
            NotBefore = validity.NotBefore,
            NotAfter = validity.NotAfter,
            SubjectKeyIdentifier = Convert.ToHexStringLower(signed.KeyIdentifier),
            FingerprintSha256 = AuthorityCertificateFactory.Fingerprint(signed.Der),
            PathLengthConstraint = pathLength,
            NameConstraints = request.NameConstraints is { IsEmpty: false } constraints ? constraints : null,
            CrlDistributionPoint = request.CrlDistributionPoint,
            DeltaCrlDistributionPoint = request.DeltaCrlDistributionPoint,
            OcspResponder = request.OcspResponder,
            CaIssuers = request.CaIssuers,
            CreatedAt = time.GetUtcNow(),
        };
        await authorities.AddAsync(authority, cancellationToken).ConfigureAwait(false);
        issuers.MarkStale(); // OCSP requests naming it are answered at once
        if (issuer is not null)
        {
            // The CA is stored: its certificate record follows even if the caller gives up now, so that the parent lists
            // (and can revoke) every CA certificate it signed, and the CA is not left without it and without its event.
            await certificates.AddAsync(ToCertificateRecord(authority, issuer.Authority, validity.Days), CancellationToken.None).ConfigureAwait(false);
        }

        LogCreated(_logger, authority.Id, authority.Name, authority.Subject, authority.ParentId);
        return authority;
    }

    /// <summary>A hybrid CA pairs a classical key with an ML-DSA alternative key (X.509 section 9.8).</summary>
    private static void CheckAlternativeKeyAlgorithm(CreateAuthorityRequest request)
    {
        if (request.AlternativeKeyAlgorithm is not { } alternative)
        {
            return;
        }

        if (!KeyAlgorithmFacts.IsMlDsa(alternative))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"The alternative key must be ML-DSA-44, ML-DSA-65 or ML-DSA-87, not {alternative}.");
        }

        if (KeyAlgorithmFacts.IsMlDsa(request.KeyAlgorithm))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A CA with an ML-DSA key needs no ML-DSA alternative key; hybrid CAs pair a classical key with ML-DSA.");
        }
    }

    private static int? ChoosePathLength(int? requested, AuthorityContext? issuer)
    {
        if (requested is < 0)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "The path length constraint cannot be negative.");
        }

        if (issuer is null)
        {
            return requested;
        }

        if (issuer.Authority.PathLengthConstraint is int parentLength)
        {
            if (parentLength == 0)
            {
                throw new PkiException(PkiErrorCode.PolicyViolation, $"CA '{issuer.Authority.Name}' has pathLenConstraint 0 and cannot sign another CA.");
            }

            if (requested >= parentLength)
            {
                throw new PkiException(PkiErrorCode.PolicyViolation,
                    $"CA '{issuer.Authority.Name}' has pathLenConstraint {parentLength}; a subordinate CA may have at most {parentLength - 1}.");
            }
        }

        return requested ?? 0;
    }

    /// <summary>A subordinate CA certificate is also a certificate its parent issued, so it can be listed and revoked like one.</summary>
    private CertificateRecord ToCertificateRecord(AuthorityRecord authority, AuthorityRecord parent, int validityDays) => new()
    {
        Id = ids.NewId(),
        CertificatePem = authority.CertificatePem,
        CertificateAuthority = parent.ToSummary(),
        Subject = authority.Subject,
        SubjectAlternativeNames = SubjectAlternativeNames.None,
        IssuedOn = authority.NotBefore,
        ExpiresOn = authority.NotAfter,
        ValidityDays = validityDays,
        SerialNumber = authority.SerialNumber,
        FingerprintSha256 = authority.FingerprintSha256,
        SubjectKeyIdentifier = authority.SubjectKeyIdentifier,
        SignatureAlgorithm = SignatureAlgorithm.For(parent.KeyAlgorithm).Name,
        Type = CertificateType.CertificateAuthority,
        Profile = CertificateProfiles.CertificateAuthority,
        PublicKeyAlgorithm = KeyAlgorithmFacts.Family(authority.KeyAlgorithm),
        PublicKeySize = KeyAlgorithmFacts.Size(authority.KeyAlgorithm),
        OwnerOrganization = authority.Organization,
    };
}
