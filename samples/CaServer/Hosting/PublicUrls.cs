using Microsoft.Extensions.Options;

namespace Pki.CaServer.Hosting;

/// <summary>
/// The publication URLs a CA puts into what it issues (CRL distribution point, freshest CRL, AIA OCSP and caIssuers),
/// all on this server. The library assigns a CA's id only when it creates the CA, so the URLs name the CA by its name; the
/// publication routes accept either the id or the name.
/// </summary>
public sealed class PublicUrls(IOptions<CaServerOptions> options)
{
    private string Base => options.Value.PublicBaseUrl.TrimEnd('/');

    /// <summary>GET /crl/{ca}.crl</summary>
    public Uri Crl(string caName) => new($"{Base}/crl/{Uri.EscapeDataString(caName)}.crl");

    /// <summary>GET /crl/{ca}-delta.crl</summary>
    public Uri DeltaCrl(string caName) => new($"{Base}/crl/{Uri.EscapeDataString(caName)}-delta.crl");

    /// <summary>POST /ocsp/{ca}</summary>
    public Uri Ocsp(string caName) => new($"{Base}/ocsp/{Uri.EscapeDataString(caName)}");

    /// <summary>GET /ca/{ca}.crt</summary>
    public Uri CaIssuers(string caName) => new($"{Base}/ca/{Uri.EscapeDataString(caName)}.crt");
}
