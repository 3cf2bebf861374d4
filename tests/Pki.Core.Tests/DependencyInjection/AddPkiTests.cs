using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pki.Core.DependencyInjection;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.DependencyInjection;

public sealed class AddPkiTests
{
    [Fact]
    public void AddPki_twice_registers_each_service_once()
    {
        var services = new ServiceCollection();
        services.AddPki();
        services.AddPki();

        Assert.Single(services, d => d.ServiceType == typeof(ICertificateAuthority));
        Assert.Single(services, d => d.ServiceType == typeof(ICsrSigner));
        Assert.Single(services, d => d.ServiceType == typeof(ICertificateStore));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<PkiOptions>));
    }

    [Fact]
    public void A_store_registered_first_replaces_the_in_memory_one()
    {
        var services = new ServiceCollection();
        var custom = new Pki.Core.Storage.InMemory.InMemoryCertificateStore();
        services.AddSingleton<ICertificateStore>(custom);
        services.AddPki();

        using var provider = services.BuildServiceProvider();
        Assert.Same(custom, provider.GetRequiredService<ICertificateStore>());
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("size")]
    [InlineData("kek")]
    [InlineData("profile")]
    [InlineData("eku")]
    public void Invalid_options_fail_validation_naming_the_value(string which)
    {
        var services = new ServiceCollection();
        services.AddPki(o =>
        {
            switch (which)
            {
                case "rsa": o.KeyPolicy.MinimumRsaKeySize = 1024; break;
                case "size": o.Csr.MaximumSize = 10; break;
                case "kek": o.KeyEncryptionKey = new byte[16]; break;
                case "profile": o.Profiles["short"] = new CertificateProfile { DefaultValidityDays = 900, MaximumValidityDays = 90 }; break;
                default: o.Profiles["odd"] = new CertificateProfile { ExtendedKeyUsages = { "serverAuth" } }; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PkiOptions>>().Value);
        Assert.Contains(which switch { "rsa" => "1024", "size" => "10", "kek" => "16", "profile" => "900", _ => "serverAuth" }, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_profile_from_options_is_used()
    {
        using var host = new PkiTestHost(o => o.Profiles["device"] = new CertificateProfile
        {
            Type = CertificateType.Client,
            AllowedSubjectAlternativeNames = SubjectAlternativeNameTypes.Uri,
            ExtendedKeyUsages = { "1.3.6.1.5.5.7.3.2" },
            DefaultValidityDays = 7,
            MaximumValidityDays = 30,
            Backdate = TimeSpan.Zero,
        });
        var (_, issuing) = await host.CreateHierarchyAsync();

        var issued = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id),
            Profile = "device",
            CommonName = "sensor-42",
            SubjectAlternativeNames = new SubjectAlternativeNames(uris: [new Uri("spiffe://acme/device/42")]),
        });

        Assert.Equal(7, issued.Record.ValidityDays);
        Assert.Equal(TimeSpan.FromDays(7), issued.Record.ExpiresOn - issued.Record.IssuedOn);
        Assert.Equal("spiffe://acme/device/42", Assert.Single(issued.Record.SubjectAlternativeNames.Uris).OriginalString);
    }
}
