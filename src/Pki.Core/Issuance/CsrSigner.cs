using Microsoft.Extensions.Options;
using Pki.Core.Asn1;
using Pki.Core.Issuance.Csr;

namespace Pki.Core.Issuance;

/// <summary>The engine behind <see cref="ICsrSigner"/>: strict CSR intake, then the one issuance pipeline.</summary>
internal sealed class CsrSigner(IssuancePipeline pipeline, IOptions<PkiOptions> options) : ICsrSigner
{
    public ValueTask<IssuedCertificate> SignAsync(SignCsrRequest request, CancellationToken cancellationToken = default) =>
        SignAsync(request, null, cancellationToken);

    /// <summary>Signs with the CA record the caller has just read and authorized (see <see cref="IssuanceOrder.ResolvedAuthority"/>).</summary>
    internal ValueTask<IssuedCertificate> SignAsync(SignCsrRequest request, AuthorityRecord? authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var order = CreateOrder(request, ReadCsr(request.CsrPem, request.CsrDer, options.Value)) with { ResolvedAuthority = authority };
        return pipeline.IssueAsync(order, cancellationToken);
    }

    /// <summary>Reads exactly one of PEM or DER through the strict reader.</summary>
    internal static ParsedCsr ReadCsr(string? pem, ReadOnlyMemory<byte> der, PkiOptions settings)
    {
        if ((pem is null) == der.IsEmpty)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "Give the CSR either as PEM or as DER.");
        }

        return pem is not null
            ? CsrReader.Read(pem, settings.Csr, settings.KeyPolicy)
            : CsrReader.Read(der, settings.Csr, settings.KeyPolicy);
    }

    /// <summary>The order for a parsed CSR and the request's overrides.</summary>
    internal static IssuanceOrder CreateOrder(IssuanceRequest request, ParsedCsr csr)
    {
        ArgumentNullException.ThrowIfNull(request.Authority);
        ArgumentNullException.ThrowIfNull(request.Profile);
        return new IssuanceOrder
        {
            Authority = request.Authority,
            Profile = request.Profile,
            RequestedSubject = csr.Subject,
            SubjectOverride = request.Subject,
            CommonNameOverride = request.CommonName,
            RequestedNames = csr.RequestedNames,
            NamesOverride = request.SubjectAlternativeNames,
            ValidityDays = request.ValidityDays,
            OwnerOrganization = request.Organization,
            SubjectPublicKeyInfo = csr.PublicKey.SubjectPublicKeyInfo,
            PublicKeyFamily = csr.PublicKey.Family,
            PublicKeySize = csr.PublicKey.Size,
            CsrPem = Pem.Encode("CERTIFICATE REQUEST", csr.Der.Span),
            EnrollmentPattern = request.EnrollmentPattern,
        };
    }
}
