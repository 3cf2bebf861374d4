using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Asn1;
using Pki.Core.Issuance;
using Pki.Core.Keys;

namespace Pki.Core.Authority;

/// <summary>Builds and signs CA certificates: self-signed roots and intermediates signed by a parent the library holds.</summary>
internal static class AuthorityCertificateFactory
{
    private const X509KeyUsageFlags CaKeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature;

    public sealed record Signed(byte[] Der, SerialNumber SerialNumber, byte[] KeyIdentifier, ValidityWindow Validity);

    /// <summary>
    /// Signs a CA certificate for <paramref name="subjectKey"/>; self-signed when <paramref name="issuer"/> is null. With
    /// <paramref name="subjectAlternativeKey"/> the certificate carries subjectAltPublicKeyInfo; it is alt-signed
    /// (X.509 section 9.8) with that key for a root and with the issuer's alternative key when the issuer has one.
    /// </summary>
    public static async ValueTask<Signed> CreateAsync(
        DistinguishedName subject,
        ISigningKey subjectKey,
        AuthorityContext? issuer,
        ValidityWindow validity,
        int? pathLength,
        NameConstraints? nameConstraints,
        CancellationToken cancellationToken,
        ISigningKey? subjectAlternativeKey = null)
    {
        var (permittedIp, excludedIp) = ParseIpRanges(nameConstraints);
        byte[] keyIdentifier = KeyIdentifier.Compute(subjectKey.SubjectPublicKeyInfo);
        byte[] subjectName = subject.Encode();
        var serial = SerialNumberGenerator.Next();
        var signingKey = issuer?.Key ?? subjectKey;
        var signature = SignatureAlgorithm.For(signingKey.Algorithm);
        var fields = new CertificateFields(serial, issuer?.Name ?? subjectName, validity.NotBefore, validity.NotAfter, subjectName, subjectKey.SubjectPublicKeyInfo);
        var alternative = new CertificateSigner.Alternative(
            issuer is null ? subjectAlternativeKey : issuer.AlternativeKey,
            subjectAlternativeKey?.SubjectPublicKeyInfo ?? default);
        byte[] der = await CertificateSigner.SignAsync(fields, signingKey, signature, alternative, (keyIdentifier, issuer, pathLength, nameConstraints, permittedIp, excludedIp), static (writer, state) =>
        {
            ExtensionWriter.BasicConstraints(writer, certificateAuthority: true, state.pathLength);
            ExtensionWriter.KeyUsage(writer, CaKeyUsage);
            ExtensionWriter.SubjectKeyIdentifier(writer, state.keyIdentifier);
            if (state.issuer is null)
            {
                ExtensionWriter.AuthorityKeyIdentifier(writer, state.keyIdentifier);
            }
            else
            {
                state.issuer.IssuerExtensions.WriteTo(writer);
            }

            if (state.nameConstraints is { IsEmpty: false } constraints)
            {
                ExtensionWriter.NameConstraints(writer, constraints, state.permittedIp, state.excludedIp);
            }
        }, cancellationToken).ConfigureAwait(false);
        return new Signed(der, serial, keyIdentifier, validity);
    }

    public static string Fingerprint(ReadOnlySpan<byte> der) => Convert.ToHexStringLower(SHA256.HashData(der));

    /// <summary>
    /// The most subtrees a CA's name constraints may hold, permitted and excluded together: every issuance under the CA
    /// checks each of them, and its certificate carries them all.
    /// </summary>
    internal const int MaximumNameConstraints = 1_000;

    /// <summary>Checks name constraints for a new CA: every list present, every entry well-formed, not too many.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> naming the offending entry;
    /// <see cref="PkiErrorCode.InputTooLarge"/> past <see cref="MaximumNameConstraints"/>.</exception>
    public static void CheckNameConstraints(NameConstraints? constraints) => _ = ParseIpRanges(constraints);

    /// <summary>Throws when <paramref name="constraints"/> hold more than <see cref="MaximumNameConstraints"/> subtrees.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InputTooLarge"/>.</exception>
    public static void CheckNameConstraintCount(NameConstraints constraints)
    {
        long count = (long)constraints.PermittedDnsDomains.Count + constraints.ExcludedDnsDomains.Count + constraints.PermittedIpRanges.Count
            + constraints.ExcludedIpRanges.Count + constraints.PermittedEmailDomains.Count + constraints.ExcludedEmailDomains.Count;
        if (count > MaximumNameConstraints)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"A CA's name constraints hold at most {MaximumNameConstraints} subtrees, not {count}.");
        }
    }

    private static (List<IPNetwork> Permitted, List<IPNetwork> Excluded) ParseIpRanges(NameConstraints? constraints)
    {
        if (constraints is null)
        {
            return ([], []);
        }

        if (constraints.PermittedDnsDomains is null || constraints.ExcludedDnsDomains is null || constraints.PermittedIpRanges is null
            || constraints.ExcludedIpRanges is null || constraints.PermittedEmailDomains is null || constraints.ExcludedEmailDomains is null)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "A name constraints list is null; give an empty list for none.");
        }

        CheckNameConstraintCount(constraints);

        foreach (string? domain in constraints.PermittedDnsDomains.Concat(constraints.ExcludedDnsDomains))
        {
            if (domain is null || !SubjectAlternativeNameSyntax.IsDnsName(domain.TrimStart('.')))
            {
                throw new PkiException(PkiErrorCode.InvalidRequest, $"'{domain}' is not a DNS domain for a name constraint.");
            }
        }

        foreach (string? email in constraints.PermittedEmailDomains.Concat(constraints.ExcludedEmailDomains))
        {
            if (string.IsNullOrEmpty(email) || !System.Text.Ascii.IsValid(email) || email.Any(char.IsControl))
            {
                throw new PkiException(PkiErrorCode.InvalidRequest, $"'{email}' is not an email domain or address for a name constraint.");
            }
        }

        return (constraints.PermittedIpRanges.Select(ParseRange).ToList(), constraints.ExcludedIpRanges.Select(ParseRange).ToList());
    }

    private static IPNetwork ParseRange(string? cidr) =>
        cidr is not null && IPNetwork.TryParse(cidr, out var network)
            ? network
            : throw new PkiException(PkiErrorCode.InvalidRequest, $"'{cidr}' is not an IP range in CIDR notation.");
}
