using System.Security.Cryptography;
using Pki.Core.Asn1;
using Pki.Core.Issuance;
using Pki.Core.Keys;

namespace Pki.Core.Authority;

internal sealed partial class CertificateAuthorityService
{
    public async ValueTask<IssuedCertificate> IssueAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Authority);
        ArgumentNullException.ThrowIfNull(request.Profile);
        if (!KeyAlgorithmFacts.IsDefined(request.KeyAlgorithm))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"Unknown key algorithm {request.KeyAlgorithm}.");
        }

        if (request.Profile == CertificateProfiles.CertificateAuthority)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "Create CAs with CreateIntermediateAsync, so that the library holds their keys.");
        }

        using var key = SoftwareSigningKey.Generate(request.KeyAlgorithm);
        var order = new IssuanceOrder
        {
            Authority = request.Authority,
            Profile = request.Profile,
            RequestedSubject = request.Subject ?? DistinguishedName.Empty,
            CommonNameOverride = request.CommonName,
            RequestedNames = request.SubjectAlternativeNames ?? SubjectAlternativeNames.None,
            ValidityDays = request.ValidityDays,
            OwnerOrganization = request.Organization,
            SubjectPublicKeyInfo = key.SubjectPublicKeyInfo,
            PublicKeyFamily = KeyAlgorithmFacts.Family(request.KeyAlgorithm),
            PublicKeySize = KeyAlgorithmFacts.Size(request.KeyAlgorithm),
        };
        var issued = await pipeline.IssueAsync(order, cancellationToken).ConfigureAwait(false);
        if (!request.IncludePrivateKey)
        {
            return issued;
        }

        byte[] pkcs8 = key.ExportPkcs8();
        try
        {
            return issued with { PrivateKeyPem = Pem.Encode("PRIVATE KEY", pkcs8) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
