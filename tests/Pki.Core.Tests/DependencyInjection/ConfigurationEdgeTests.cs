using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pki.Core.DependencyInjection;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.DependencyInjection;

/// <summary>Configuration a careful user could write (or a binder could produce) that must fail at start-up or still
/// behave as documented.</summary>
public sealed class ConfigurationEdgeTests
{
    [Theory]
    [InlineData(0x100)]   // no defined bit: a critical keyUsage with nothing set (RFC 5280 section 4.2.1.3)
    [InlineData(0x180)]   // digitalSignature plus a bit that does not exist
    public void A_profile_key_usage_with_undefined_bits_fails_validation(int bits)
    {
        var services = new ServiceCollection();
        services.AddPki(o => o.Profiles["odd"] = new CertificateProfile { KeyUsage = (X509KeyUsageFlags)bits });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PkiOptions>>().Value);
        Assert.Contains("Profile 'odd'", error.Message, StringComparison.Ordinal);
        Assert.Contains("key usage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_default_ocsp_responder_is_capped_by_the_system_wide_maximum_validity()
    {
        using var host = new PkiTestHost(o => o.EnrollmentPolicy.MaximumValidityDays = 7);
        var (_, issuing) = await host.CreateHierarchyAsync();

        var issued = await host.Get<IRevocationService>().IssueOcspSigningCertificateAsync(CaReference.ById(issuing.Id));

        Assert.Equal(7, issued.Record.ValidityDays); // the ocsp-signing profile's 30 days, capped as for any issuance
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(36_601)]
    public async Task A_hostile_ocsp_responder_validity_is_a_typed_refusal(int days)
    {
        using var host = new PkiTestHost();
        var (_, issuing) = await host.CreateHierarchyAsync();

        var error = await Record.ExceptionAsync(async () =>
            await host.Get<IRevocationService>().IssueOcspSigningCertificateAsync(CaReference.ById(issuing.Id), validityDays: days));

        Assert.Contains(Assert.IsType<PkiException>(error).Code, new[] { PkiErrorCode.InvalidRequest, PkiErrorCode.PolicyViolation });
    }
}
