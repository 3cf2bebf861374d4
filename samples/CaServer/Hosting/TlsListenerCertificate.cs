using System.Net;
using System.Security.Cryptography.X509Certificates;
using Pki.CaServer.Security;
using Pki.Core;

namespace Pki.CaServer.Hosting;

/// <summary>
/// The HTTPS listener's certificate: issued by the issuing CA at start-up (<see cref="AuthorityBootstrapper"/>) and again
/// once two thirds of its 30 days have passed (<see cref="TlsCertificateRenewal"/>), so a server that runs for months
/// never presents an expired certificate. New connections get the new certificate at once.
/// </summary>
public static class TlsListenerCertificate
{
    /// <summary>Days of validity of each listener certificate.</summary>
    public const int ValidityDays = 30;

    /// <summary>Issues a listener certificate (localhost and the loopback addresses) from <paramref name="issuingId"/>, as the system caller.</summary>
    public static async Task<X509Certificate2> IssueAsync(ICertificateAuthority authorities, string issuingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        using var system = HttpCallerAccessor.RunAs(PkiCaller.System);
        var tls = await authorities.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuingId),
            Profile = CertificateProfiles.Server,
            Subject = DistinguishedName.Parse("CN=localhost,O=Pki.Core Sample"),
            SubjectAlternativeNames = new SubjectAlternativeNames(["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]),
            ValidityDays = ValidityDays,
            KeyAlgorithm = KeyAlgorithm.EcdsaP256,
        }, cancellationToken);
        return tls.ToX509Certificate2WithPrivateKey();
    }

    /// <summary>When <paramref name="certificate"/> is due for renewal: two thirds into its validity.</summary>
    public static DateTimeOffset RenewalDue(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return notBefore + ((notAfter - notBefore) * 2 / 3);
    }
}
