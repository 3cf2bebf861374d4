using System.Diagnostics;
using Pki.Core.Diagnostics;

namespace Pki.Core.Authorization.Governed;

/// <summary>Counts and times issued certificates, tagged by CA, profile and key type.</summary>
internal static class IssuanceMetrics
{
    public static void Record(IssuedCertificate issued, long startedTimestamp)
    {
        var record = issued.Record;
        var tags = new TagList
        {
            { "ca", record.CertificateAuthority.Id },
            { "profile", record.Profile },
            { "key_type", record.PublicKeyAlgorithm },
        };
        PkiTelemetry.CertificatesIssued.Add(1, tags);
        PkiTelemetry.IssuanceDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, tags);
        Activity.Current?.SetTag("pki.certificate.id", record.Id);
    }

    public static (string? ObjectId, string? AuthorityId) Describe(IssuedCertificate issued) =>
        (issued.Record.Id, issued.Record.CertificateAuthority.Id);
}
