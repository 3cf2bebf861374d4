using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pki.Core.Diagnostics;

/// <summary>
/// The "Pki.Core" <see cref="Meter"/> and <see cref="ActivitySource"/>: OpenTelemetry picks both up by name, with no
/// extra dependency in the library.
/// </summary>
internal static class PkiTelemetry
{
    public const string Name = "Pki.Core";

    public static readonly ActivitySource Source = new(Name, "1.0");

    private static readonly Meter Meter = new(Name, "1.0");

    public static readonly Counter<long> CertificatesIssued = Meter.CreateCounter<long>("pki.certificates.issued", "{certificate}", "Certificates issued, by CA, profile and key type.");

    public static readonly Histogram<double> IssuanceDuration = Meter.CreateHistogram<double>("pki.issuance.duration", "ms", "Time to issue one certificate.");

    public static readonly Counter<long> TokensCreated = Meter.CreateCounter<long>("pki.tokens.created", "{token}", "Request tokens created.");

    public static readonly Counter<long> TokensRedeemed = Meter.CreateCounter<long>("pki.tokens.redeemed", "{token}", "Request tokens redeemed.");

    public static readonly Counter<long> Revocations = Meter.CreateCounter<long>("pki.revocations", "{certificate}", "Revocations, holds and reactivations, by reason.");

    public static readonly Counter<long> CrlsProduced = Meter.CreateCounter<long>("pki.crls.produced", "{crl}", "Full and delta CRLs produced.");

    public static readonly Counter<long> OcspResponses = Meter.CreateCounter<long>("pki.ocsp.responses", "{response}", "OCSP responses produced, by status.");

    public static readonly Counter<long> TidyRemoved = Meter.CreateCounter<long>("pki.tidy.removed", "{record}", "Records removed by tidy, by kind.");

    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("pki.errors", "{error}", "Operations refused with a PkiException, by code.");
}
