using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pki.Core.Tests.TestSupport;

/// <summary>Reads an issued certificate back with .NET's own parser and compares it with the record.</summary>
public static class CertificateAssertions
{
    public static void MatchesRecord(IssuedCertificate issued)
    {
        var record = issued.Record;
        using var certificate = issued.ToX509Certificate2();
        Assert.Equal(record.Subject.Encode(), certificate.SubjectName.RawData);
        Assert.Equal(record.IssuedOn, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()));
        Assert.Equal(record.ExpiresOn, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        Assert.Equal(record.SerialNumber.Bytes.ToArray(), certificate.SerialNumberBytes.ToArray());
        Assert.Equal(record.SerialNumber, SerialNumber.Parse(certificate.SerialNumber));
        Assert.Equal(record.FingerprintSha256, certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant());
        Assert.Equal(record.SubjectKeyIdentifier, certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!.ToLowerInvariant());
        Assert.Equal(record.SubjectAlternativeNames, ReadNames(certificate));
        Assert.Equal(issued.CertificatePem, record.CertificatePem);
        Assert.Equal(record.ExpiresOn, record.ExpiresOn.AddTicks(-(record.ExpiresOn.Ticks % TimeSpan.TicksPerSecond)));
    }

    public static SubjectAlternativeNames ReadNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
        if (extension is null)
        {
            return SubjectAlternativeNames.None;
        }

        // .NET exposes DNS names and IP addresses; emails and URIs are read from the raw value with the ASN.1 reader.
        var dns = extension.EnumerateDnsNames().ToList();
        var ips = extension.EnumerateIPAddresses().ToList();
        var emails = new List<string>();
        var uris = new List<Uri>();
        var reader = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass == System.Formats.Asn1.TagClass.ContextSpecific && tag.TagValue == 1)
            {
                emails.Add(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, tag));
            }
            else if (tag.TagClass == System.Formats.Asn1.TagClass.ContextSpecific && tag.TagValue == 6)
            {
                uris.Add(new Uri(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, tag)));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return new SubjectAlternativeNames(dns, ips, emails, uris);
    }

    public static bool ChainBuilds(X509Certificate2 leaf, string rootPem, string intermediatePem, out string status)
    {
        using var root = X509Certificate2.CreateFromPem(rootPem);
        using var intermediate = X509Certificate2.CreateFromPem(intermediatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(intermediate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        bool ok = chain.Build(leaf);
        status = string.Join("; ", chain.ChainStatus.Select(s => s.Status + ": " + s.StatusInformation));
        return ok;
    }

    public static IPAddress Ip(string text) => IPAddress.Parse(text);
}
