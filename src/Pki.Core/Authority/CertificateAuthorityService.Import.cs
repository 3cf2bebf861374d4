using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Asn1;
using Pki.Core.Keys;

namespace Pki.Core.Authority;

internal sealed partial class CertificateAuthorityService
{
    public async ValueTask<AuthorityRecord> ImportAsync(ImportAuthorityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckUrls(request.CrlDistributionPoint, request.DeltaCrlDistributionPoint, request.OcspResponder, request.CaIssuers);
        await EnsureNameIsFreeAsync(request.Name, request.Organization, cancellationToken).ConfigureAwait(false);
        var (certificateDer, pkcs8) = CaImportMaterial.Read(request);
        try
        {
            using var certificate = LoadCertificate(certificateDer);
            CaImportMaterial.RequireCertificateAuthority(certificate);
            KeyAlgorithm algorithm;
            using (var key = SoftwareSigningKey.FromPkcs8(pkcs8))
            {
                if (!key.SubjectPublicKeyInfo.Span.SequenceEqual(certificate.PublicKey.ExportSubjectPublicKeyInfo()))
                {
                    throw new PkiException(PkiErrorCode.InvalidKey, "The private key does not match the certificate's public key.");
                }

                algorithm = key.Algorithm;
            }

            var (subject, keyIdentifier, authorityKeyIdentifier, pathLength) = ReadCertificate(certificate);
            var nameConstraints = NameConstraintsReader.Read(certificate); // enforced on what it issues, as for the CAs the library makes
            var parent = await FindParentAsync(certificate, authorityKeyIdentifier, cancellationToken).ConfigureAwait(false);
            string keyId = await keys.ImportAsync(pkcs8, cancellationToken).ConfigureAwait(false);
            var authority = new AuthorityRecord
            {
                Id = ids.NewId(),
                Name = request.Name,
                Organization = request.Organization,
                ParentId = parent?.Id,
                IsRoot = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData),
                Subject = subject,
                CertificatePem = PemCertificates.Encode(certificateDer),
                KeyAlgorithm = algorithm,
                KeyId = keyId,
                SerialNumber = SerialNumber.FromBytes(certificate.SerialNumberBytes.Span),
                NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                SubjectKeyIdentifier = keyIdentifier,
                FingerprintSha256 = AuthorityCertificateFactory.Fingerprint(certificateDer),
                PathLengthConstraint = pathLength,
                NameConstraints = nameConstraints,
                CrlDistributionPoint = request.CrlDistributionPoint,
                DeltaCrlDistributionPoint = request.DeltaCrlDistributionPoint,
                OcspResponder = request.OcspResponder,
                CaIssuers = request.CaIssuers,
                CreatedAt = time.GetUtcNow(),
            };
            await authorities.AddAsync(authority, cancellationToken).ConfigureAwait(false);
            issuers.MarkStale(); // OCSP requests naming it are answered at once
            LogImported(_logger, authority.Id, authority.Name, authority.Subject);
            return authority;
        }
        catch (ArgumentException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The CA certificate has an invalid serial number.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static X509Certificate2 LoadCertificate(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The CA certificate is malformed.", ex);
        }
    }

    /// <summary>What the record needs from the CA certificate's subject and extensions, read before anything is stored.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidKey"/> when an extension is malformed;
    /// <see cref="PkiErrorCode.InvalidName"/> when the subject cannot be represented.</exception>
    private static (DistinguishedName Subject, string KeyIdentifier, string? AuthorityKeyIdentifier, int? PathLength) ReadCertificate(X509Certificate2 certificate)
    {
        var subject = ReadSubject(certificate);
        try
        {
            string keyIdentifier = SubjectKeyIdentifierOf(certificate);
            var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
            var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().First();
            return (subject, keyIdentifier, aki is null ? null : Convert.ToHexStringLower(aki.Value.Span), basic.HasPathLengthConstraint ? basic.PathLengthConstraint : null);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCode.InvalidKey, "The CA certificate has a malformed extension.", ex);
        }
    }

    private static DistinguishedName ReadSubject(X509Certificate2 certificate)
    {
        var components = new List<DistinguishedNameComponent>();
        try
        {
            foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false))
            {
                if (rdn.HasMultipleElements)
                {
                    throw new PkiException(PkiErrorCode.InvalidName, "The CA certificate's subject has a multi-valued RDN, which the library cannot reproduce.");
                }

                string? oid = rdn.GetSingleElementType().Value;
                string? value = rdn.GetSingleElementValue();
                if (oid is null || value is null)
                {
                    throw new PkiException(PkiErrorCode.InvalidName, "The CA certificate's subject has an attribute that is not text.");
                }

                components.Add(new DistinguishedNameComponent(oid, value));
            }
        }
        catch (CryptographicException ex)
        {
            // OpenSSL loads what .NET's strict reader refuses: a PrintableString with '@', an IA5String beyond ASCII, an empty RDN.
            throw new PkiException(PkiErrorCode.InvalidName, "The CA certificate's subject is malformed: a string does not match its type, or an RDN is empty.", ex);
        }

        return DistinguishedName.FromComponents(components);
    }

    private static string SubjectKeyIdentifierOf(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier?.ToLowerInvariant()
        ?? Convert.ToHexStringLower(KeyIdentifier.Compute(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>The CA the library holds that issued this certificate: same name as its issuer, key identifier matching its AKI.</summary>
    private async ValueTask<AuthorityRecord?> FindParentAsync(X509Certificate2 certificate, string? keyIdentifier, CancellationToken cancellationToken)
    {
        if (keyIdentifier is null || certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            return null;
        }

        string? after = null;
        while (true)
        {
            int seen = 0;
            await foreach (var candidate in authorities.ListAsync(new AuthorityQuery { After = after, Limit = MaxPageSize }, cancellationToken).ConfigureAwait(false))
            {
                seen++;
                after = candidate.Id;
                if (candidate.SubjectKeyIdentifier == keyIdentifier && candidate.Subject.ToX500DistinguishedName().RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                {
                    return candidate;
                }
            }

            if (seen < MaxPageSize)
            {
                return null;
            }
        }
    }
}
