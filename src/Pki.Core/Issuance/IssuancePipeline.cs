using System.Formats.Asn1;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Asn1;
using Pki.Core.Authority;
using Pki.Core.Issuance.Profiles;
using Pki.Core.Keys;

namespace Pki.Core.Issuance;

/// <summary>
/// The one issuance pipeline, in one fixed order: resolve the CA → profile → subject → SAN rules → validity → build and
/// sign → store → log. Every way to get a certificate (CSR, generated key, token) goes through <see cref="IssueAsync"/>.
/// </summary>
internal sealed partial class IssuancePipeline(
    AuthorityResolver authorities,
    ProfileCatalog profiles,
    ICertificateStore certificates,
    IdGenerator ids,
    TimeProvider time,
    IOptions<PkiOptions> options,
    EnrollmentPolicyEnforcer enrollment,
    PrivateKeyEscrow escrow,
    ILogger<IssuancePipeline>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<IssuancePipeline>.Instance;

    private const int SerialAttempts = 4;

    /// <summary>Persists the record; the default adds it to the certificate store. Token redemption passes its own atomic step.</summary>
    public delegate ValueTask PersistStep(CertificateRecord record, CancellationToken cancellationToken);

    public async ValueTask<IssuedCertificate> IssueAsync(IssuanceOrder order, CancellationToken cancellationToken, PersistStep? persist = null)
    {
        ArgumentNullException.ThrowIfNull(order);
        RequestText.CheckOrganization(order.OwnerOrganization);
        var settings = options.Value;
        var issuer = await authorities.ResolveForIssuanceAsync(order.Authority, order.ResolvedAuthority, cancellationToken).ConfigureAwait(false);
        var profile = profiles.Get(order.Profile);
        bool isCa = profile.Type == CertificateType.CertificateAuthority;
        if (isCa && issuer.Authority.PathLengthConstraint is int issuerPath && issuerPath <= profile.PathLengthConstraint)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation,
                $"CA '{issuer.Authority.Name}' has pathLenConstraint {issuerPath} and cannot issue a CA certificate with pathLenConstraint {profile.PathLengthConstraint}.");
        }

        int validityDays = order.ValidityDays ?? enrollment.DefaultValidityDays(profile, order.EnrollmentPattern);
        enrollment.Enforce(order.PublicKeyFamily, order.PublicKeySize, order.Profile, profile, validityDays, order.EnrollmentPattern);
        if (order.PrivateKeyId is null && order.CsrPem is not null)
        {
            // A CSR made by ICsrGenerator: marry the certificate to the key kept for it (matched by public key and by the
            // organization the certificate is for: see PrivateKeyEscrow).
            string? owner = order.OwnerOrganization ?? issuer.Authority.Organization;
            order = order with { PrivateKeyId = await escrow.FindGeneratedAsync(order.SubjectPublicKeyInfo, owner, cancellationToken).ConfigureAwait(false) };
        }

        var subject = MergeSubject(order, settings.Csr.MaximumSubjectAttributes);
        var names = SubjectAlternativeNamePolicy.Apply(
            order.NamesOverride ?? order.RequestedNames, subject.CommonName, profile, order.Profile, settings.Csr.MaximumSubjectAlternativeNames);
        NameConstraintsPolicy.Enforce(issuer.NameConstraints, names, subject);
        if (subject.Components.Count == 0 && names.IsEmpty)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, "A certificate needs a subject or at least one subject alternative name.");
        }

        if (isCa && subject.Components.Count == 0)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, "A CA certificate needs a non-empty subject (RFC 5280, section 4.1.2.6).");
        }

        SubjectKeyUsage.Check(profile, order.PublicKeyFamily, order.Profile);
        var validity = ValidityWindow.Compute(
            time.GetUtcNow(), validityDays, profile.MaximumValidityDays, profile.Backdate,
            issuer.Authority.NotBefore, issuer.Authority.NotAfter, settings.ValidityNesting);

        var extensions = new ExtensionState(
            profiles.ProfileExtensions(order.Profile, profile, order.PublicKeyFamily == "RSA"),
            issuer.IssuerExtensions,
            order.SubjectPublicKeyInfo,
            names,
            SubjectIsEmpty: subject.Components.Count == 0);
        byte[] subjectName = subject.Encode();

        for (int attempt = 1; ; attempt++)
        {
            var fields = new CertificateFields(SerialNumberGenerator.Next(), issuer.Name, validity.NotBefore, validity.NotAfter, subjectName, order.SubjectPublicKeyInfo);
            byte[] der = await CertificateSigner.SignAsync(
                fields, issuer.Key, issuer.Signature, new(issuer.AlternativeKey, default), extensions, WriteExtensions, cancellationToken).ConfigureAwait(false);
            var record = CreateRecord(order, issuer, profile.Type, subject, names, validity, fields.SerialNumber, der, extensions.KeyIdentifier);
            try
            {
                await (persist ?? certificates.AddAsync)(record, cancellationToken).ConfigureAwait(false);
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.DuplicateSerialNumber && attempt < SerialAttempts)
            {
                LogSerialCollision(_logger, issuer.Authority.Id, record.SerialNumberHex);
                continue;
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.AuthorityUnavailable)
            {
                // The store found the CA or one above it no longer active (revoked since it was read): read them again next time.
                authorities.ForgetChain(issuer.Authority);
                throw;
            }

            LogIssued(_logger, record.Id, record.SerialNumberHex, issuer.Authority.Id, order.Profile, subject);
            return new IssuedCertificate { Record = record, CertificateDer = der, ChainPem = issuer.ChainPem };
        }
    }

    internal static DistinguishedName MergeSubject(IssuanceOrder order, int maximumAttributes)
    {
        var subject = order.SubjectOverride ?? order.RequestedSubject;
        if (order.CommonNameOverride is not null)
        {
            subject = subject.With(DistinguishedNameOids.CommonName, order.CommonNameOverride);
        }

        foreach (var locked in order.LockedAttributes)
        {
            subject = subject.With(locked.Oid, locked.Value);
        }

        if (subject.Components.Count > maximumAttributes)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"A subject may have at most {maximumAttributes} attributes.");
        }

        return subject;
    }

    private CertificateRecord CreateRecord(
        IssuanceOrder order,
        AuthorityContext issuer,
        CertificateType type,
        DistinguishedName subject,
        SubjectAlternativeNames names,
        ValidityWindow validity,
        SerialNumber serialNumber,
        byte[] der,
        byte[] keyIdentifier)
    {
        Span<byte> fingerprint = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(der, fingerprint);
        return new CertificateRecord
        {
            Id = ids.NewId(),
            CertificatePem = PemCertificates.Encode(der),
            CertificateAuthority = issuer.Authority.ToSummary(),
            Subject = subject,
            SubjectAlternativeNames = names,
            Csr = order.CsrPem,
            IssuedOn = validity.NotBefore,
            ExpiresOn = validity.NotAfter,
            ValidityDays = validity.Days,
            SerialNumber = serialNumber,
            FingerprintSha256 = Convert.ToHexStringLower(fingerprint),
            SubjectKeyIdentifier = Convert.ToHexStringLower(keyIdentifier),
            SignatureAlgorithm = issuer.Signature.Name,
            Type = type,
            Profile = order.Profile,
            PublicKeyAlgorithm = order.PublicKeyFamily,
            PublicKeySize = order.PublicKeySize,
            OwnerOrganization = order.OwnerOrganization ?? issuer.Authority.Organization,
            TokenId = order.TokenId,
            Name = order.Name,
            PrivateKeyId = order.PrivateKeyId,
        };
    }

    private static void WriteExtensions(AsnWriter writer, ExtensionState state)
    {
        state.ProfileExtensions.WriteTo(writer);
        ExtensionWriter.SubjectKeyIdentifier(writer, state.KeyIdentifier);
        state.IssuerExtensions.WriteTo(writer);
        if (!state.Names.IsEmpty)
        {
            ExtensionWriter.SubjectAltName(writer, state.Names, critical: state.SubjectIsEmpty);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Issued certificate {CertificateId} serial {SerialNumber} from CA {AuthorityId} with profile {Profile} for {Subject}")]
    private static partial void LogIssued(ILogger logger, string certificateId, string serialNumber, string authorityId, string profile, DistinguishedName subject);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Serial number {SerialNumber} already exists at CA {AuthorityId}; retrying with a new one")]
    private static partial void LogSerialCollision(ILogger logger, string authorityId, string serialNumber);

    /// <summary>What the extension writer needs; the key identifier is computed once per order.</summary>
    private sealed record ExtensionState(EncodedValues ProfileExtensions, EncodedValues IssuerExtensions, ReadOnlyMemory<byte> SubjectPublicKeyInfo, SubjectAlternativeNames Names, bool SubjectIsEmpty)
    {
        public byte[] KeyIdentifier { get; } = Keys.KeyIdentifier.Compute(SubjectPublicKeyInfo);
    }
}
