using Pki.Core.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Asn1;
using Pki.Core.Issuance;
using Pki.Core.Issuance.Csr;
using Pki.Core.Issuance.Profiles;

namespace Pki.Core.Keys.Generation;

/// <summary>
/// The engine behind <see cref="ICsrGenerator"/>: policy → SAN syntax → generate the key → build and sign the CSR → read it
/// back through the strict <see cref="CsrReader"/> → keep the key encrypted, indexed by its public key.
/// </summary>
internal sealed partial class CsrGenerator(
    EnrollmentPolicyEnforcer enrollment,
    ProfileCatalog profiles,
    PrivateKeyEscrow escrow,
    IOptions<PkiOptions> options,
    ILogger<CsrGenerator>? logger = null) : ICsrGenerator
{
    private readonly ILogger _logger = logger ?? NullLogger<CsrGenerator>.Instance;

    public async ValueTask<GeneratedCsr> GenerateAsync(GenerateCsrRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Subject);
        ArgumentNullException.ThrowIfNull(request.Key);
        var settings = options.Value;
        var names = request.SubjectAlternativeNames ?? SubjectAlternativeNames.None;
        if (request.Subject.Components.Count == 0 && names.IsEmpty)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A CSR needs a subject or at least one subject alternative name.");
        }

        if (request.Subject.Components.Count > settings.Csr.MaximumSubjectAttributes)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"A subject may have at most {settings.Csr.MaximumSubjectAttributes} attributes.");
        }

        var algorithm = request.Key.Algorithm;
        var profile = request.Profile is null ? null : profiles.Get(request.Profile);
        enrollment.Enforce(KeyAlgorithmFacts.Family(algorithm), KeyAlgorithmFacts.Size(algorithm), request.Profile, profile, validityDays: null, request.EnrollmentPattern);
        SubjectAlternativeNameSyntax.Validate(names, settings.Csr.MaximumSubjectAlternativeNames);

        using var key = SoftwareSigningKey.Generate(algorithm);
        byte[] der = CsrBuilder.Build(key, request.Subject, names);

        // What we hand out must pass our own strict intake (and so every other CSR reader).
        CsrReader.Read(der, settings.Csr, settings.KeyPolicy);

        // Kept for the caller and its organization: only a certificate this caller requests for it is linked to it later.
        var kept = await escrow.PrepareGeneratedAsync(key, cancellationToken).ConfigureAwait(false);
        await escrow.AddAsync(kept, cancellationToken).ConfigureAwait(false);
        LogGenerated(_logger, kept.Id, algorithm, request.Subject);
        return new GeneratedCsr(Pem.Encode("CERTIFICATE REQUEST", der), kept.Id, request.Key);
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Generated a {Algorithm} key {KeyId} and its CSR for {Subject}")]
    private static partial void LogGenerated(ILogger logger, string keyId, KeyAlgorithm algorithm, DistinguishedName subject);
}
