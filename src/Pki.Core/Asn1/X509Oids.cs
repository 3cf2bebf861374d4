namespace Pki.Core.Asn1;

/// <summary>Object identifiers of the X.509 extensions and access methods Pki.Core writes (RFC 5280).</summary>
internal static class X509Oids
{
    public const string SubjectKeyIdentifier = "2.5.29.14";
    public const string KeyUsage = "2.5.29.15";
    public const string SubjectAltName = "2.5.29.17";
    public const string BasicConstraints = "2.5.29.19";
    public const string NameConstraints = "2.5.29.30";
    public const string CrlDistributionPoints = "2.5.29.31";
    public const string AuthorityKeyIdentifier = "2.5.29.35";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string FreshestCrl = "2.5.29.46";
    public const string AuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";
    public const string AccessMethodOcsp = "1.3.6.1.5.5.7.48.1";
    public const string AccessMethodCaIssuers = "1.3.6.1.5.5.7.48.2";
}
