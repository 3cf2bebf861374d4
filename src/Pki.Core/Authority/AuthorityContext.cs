using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Asn1;
using Pki.Core.Keys;

namespace Pki.Core.Authority;

/// <summary>
/// Everything the hot path needs about an issuing CA, computed once: the loaded signing key, the exact issuer name
/// bytes, the signature AlgorithmIdentifier, and the pre-encoded extensions every certificate from this CA carries
/// (authority key identifier, CRL distribution point, freshest CRL, authority information access).
/// </summary>
internal sealed class AuthorityContext
{
    private AuthorityContext(AuthorityRecord authority, ISigningKey key, byte[] certificateDer, byte[] name, byte[] keyIdentifier, EncodedValues issuerExtensions, string chainPem, List<NameConstraints> nameConstraints)
    {
        NameConstraints = nameConstraints;
        Authority = authority;
        Key = key;
        CertificateDer = certificateDer;
        Name = name;
        KeyIdentifier = keyIdentifier;
        IssuerExtensions = issuerExtensions;
        ChainPem = chainPem;
        Signature = SignatureAlgorithm.For(key.Algorithm);
    }

    public AuthorityRecord Authority { get; }

    public ISigningKey Key { get; }

    /// <summary>The CA's alternative (ML-DSA) key for hybrid certificates (X.509 section 9.8), or null.</summary>
    public ISigningKey? AlternativeKey { get; private init; }

    public SignatureAlgorithm Signature { get; }

    public byte[] CertificateDer { get; }

    /// <summary>The CA certificate's subject, byte for byte: the issuer name of everything it signs.</summary>
    public byte[] Name { get; }

    /// <summary>The CA's subject key identifier, used as the authority key identifier of what it signs.</summary>
    public byte[] KeyIdentifier { get; }

    /// <summary>AKI, CRL DP, freshest CRL and AIA Extension TLVs, concatenated.</summary>
    public EncodedValues IssuerExtensions { get; }

    /// <summary>The CA certificate and its parents up to the root, in PEM.</summary>
    public string ChainPem { get; }

    /// <summary>The name constraints of the CA and its ancestors; every issued name must satisfy all of them.</summary>
    public IReadOnlyList<NameConstraints> NameConstraints { get; }

    /// <param name="authority">The issuing CA.</param>
    /// <param name="key">Its signing key.</param>
    /// <param name="chain">The CA followed by its ancestors.</param>
    /// <param name="alternativeKey">The CA's alternative key when its record names one (hybrid certificates), otherwise null: required, so that no context of a hybrid CA is built without it.</param>
    public static AuthorityContext Create(AuthorityRecord authority, ISigningKey key, IReadOnlyList<AuthorityRecord> chain, ISigningKey? alternativeKey)
    {
        string chainPem = string.Concat(chain.Select(a => a.CertificatePem));
        var constraints = chain.Select(a => a.NameConstraints).OfType<NameConstraints>().ToList();
        byte[] der = PemCertificates.DecodeSingle(authority.CertificatePem);
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        byte[] keyIdentifier = Convert.FromHexString(authority.SubjectKeyIdentifier);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        ExtensionWriter.AuthorityKeyIdentifier(writer, keyIdentifier);
        if (authority.CrlDistributionPoint is { } crl)
        {
            ExtensionWriter.CrlDistributionPoint(writer, crl);
        }

        if (authority.DeltaCrlDistributionPoint is { } delta)
        {
            ExtensionWriter.FreshestCrl(writer, delta);
        }

        if (authority.OcspResponder is not null || authority.CaIssuers is not null)
        {
            ExtensionWriter.AuthorityInfoAccess(writer, authority.OcspResponder, authority.CaIssuers);
        }

        return new AuthorityContext(authority, key, der, certificate.SubjectName.RawData, keyIdentifier, EncodedValues.From(writer), chainPem, constraints)
        {
            AlternativeKey = alternativeKey,
        };
    }
}
