using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Asn1;
using Pki.Core.Issuance;
using Pki.Core.Keys;

namespace Pki.Core.Authority;

internal sealed partial class CertificateAuthorityService
{
    public ValueTask<IssuedCertificate> IssueAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default) =>
        IssueAsync(request, null, cancellationToken);

    /// <summary>Issues with the CA record the caller has just read and authorized (see <see cref="IssuanceOrder.ResolvedAuthority"/>).</summary>
    internal async ValueTask<IssuedCertificate> IssueAsync(IssueCertificateRequest request, AuthorityRecord? authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Authority);
        ArgumentNullException.ThrowIfNull(request.Profile);
        var algorithm = request.Key?.Algorithm ?? request.KeyAlgorithm;
        if (!KeyAlgorithmFacts.IsDefined(algorithm))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"Unknown key algorithm {algorithm}.");
        }

        // Any profile that makes a certificate-signing CA, not only "ca" by name (a CA-type profile without keyCertSign,
        // such as a CRL signer, may be issued with a generated key).
        var profile = profiles.Get(request.Profile);
        if (profile.Type == CertificateType.CertificateAuthority && profile.KeyUsage.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "Create CAs with CreateIntermediateAsync, so that the library holds their keys.");
        }

        using var key = SoftwareSigningKey.Generate(algorithm);
        var order = new IssuanceOrder
        {
            Authority = request.Authority,
            ResolvedAuthority = authority,
            Profile = request.Profile,
            RequestedSubject = request.Subject ?? DistinguishedName.Empty,
            CommonNameOverride = request.CommonName,
            RequestedNames = request.SubjectAlternativeNames ?? SubjectAlternativeNames.None,
            ValidityDays = request.ValidityDays,
            OwnerOrganization = request.Organization,
            SubjectPublicKeyInfo = key.SubjectPublicKeyInfo,
            PublicKeyFamily = KeyAlgorithmFacts.Family(algorithm),
            PublicKeySize = KeyAlgorithmFacts.Size(algorithm),
            EnrollmentPattern = request.EnrollmentPattern,
        };
        if (!request.IncludePrivateKey)
        {
            return await pipeline.IssueAsync(order, cancellationToken).ConfigureAwait(false);
        }

        // Escrow: the key is kept encrypted and linked to the record. It is added in the persist step, after every policy
        // check has passed, so a refused request leaves no key behind; a serial retry does not add it twice.
        // Indexed for the certificate's owner organization, known once the pipeline has resolved the CA.
        var kept = await escrow.PrepareAsync(key, organization: null, cancellationToken).ConfigureAwait(false);
        var subjectPublicKeyInfo = key.SubjectPublicKeyInfo;
        bool added = false;
        var issued = await pipeline.IssueAsync(
            order with { PrivateKeyId = kept.Id },
            cancellationToken,
            persist: async (record, ct) =>
            {
                if (!added)
                {
                    await escrow.AddAsync(kept with { EscrowIndex = PrivateKeyEscrow.IndexOf(record.OwnerOrganization, subjectPublicKeyInfo.Span) }, ct).ConfigureAwait(false);
                    added = true;
                }

                await certificates.AddAsync(record, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

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
