using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Api;

/// <summary>Records a host is likely to log print a one-line summary, never their PEM or secrets.</summary>
public sealed class RecordSummaryTests
{
    [Fact]
    public async Task A_certificate_record_prints_one_line_without_its_pem_or_csr()
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();
        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "alice@example.com",
            IncludePrivateKey = true,
        });

        string text = issued.Record.ToString();

        Assert.DoesNotContain("BEGIN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text, StringComparison.Ordinal);
        Assert.Contains(issued.Record.Id, text, StringComparison.Ordinal);
        Assert.Contains(issued.Record.SerialNumberHex, text, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", issued.ToString(), StringComparison.Ordinal); // the private key above all
    }
}
