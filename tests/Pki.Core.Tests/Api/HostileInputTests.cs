using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Api;

/// <summary>Any string or byte array thrown at a public parser ends in a <see cref="PkiException"/> or a value, never anything else.</summary>
public sealed class HostileInputTests(HierarchyFixture ca) : IClassFixture<HierarchyFixture>
{
    [Property(MaxTest = 1000)]
    public Property Distinguished_name_parsing_only_throws_PkiException(string text)
    {
        try
        {
            var name = DistinguishedName.Parse(text ?? string.Empty);
            return (DistinguishedName.Parse(name.ToString()) == name).ToProperty();
        }
        catch (PkiException)
        {
            return true.ToProperty();
        }
    }

    [Property(MaxTest = 1000)]
    public Property Serial_number_parsing_only_throws_PkiException(string text)
    {
        try
        {
            var serial = SerialNumber.Parse(text ?? string.Empty);
            return (SerialNumber.Parse(serial.ToString()) == serial).ToProperty();
        }
        catch (PkiException)
        {
            return true.ToProperty();
        }
    }

    [Property(MaxTest = 60)]
    public Property Ca_import_of_arbitrary_bytes_only_throws_PkiException(byte[] certificate, byte[] key, bool asPkcs12)
    {
        using var host = new PkiTestHost();
        var request = asPkcs12
            ? new ImportAuthorityRequest { Name = "x", Pkcs12 = certificate.Length == 0 ? new byte[] { 0x30 } : certificate, Password = "p" }
            : new ImportAuthorityRequest
            {
                Name = "x",
                CertificatePem = TestCsrs.Pem(certificate, "CERTIFICATE"),
                PrivateKeyPem = TestCsrs.Pem(key, "PRIVATE KEY"),
            };
        var error = Assert.ThrowsAny<PkiException>(() => host.Authority.ImportAsync(request).AsTask().GetAwaiter().GetResult());
        return (error.Code is PkiErrorCode.InvalidKey or PkiErrorCode.InvalidRequest or PkiErrorCode.NotACertificateAuthority).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property Csr_pem_of_arbitrary_text_only_throws_PkiException(string text)
    {
        // Signed by a CA that exists, so that the CSR is read: the error must be one about the request itself.
        var error = Assert.ThrowsAny<PkiException>(() => ca.Host.Signer.SignAsync(new SignCsrRequest
        {
            Authority = CaReference.ById(ca.Issuing.Id), Profile = CertificateProfiles.Server, CsrPem = text ?? string.Empty,
        }).AsTask().GetAwaiter().GetResult());
        return (error.Code is >= PkiErrorCode.InvalidRequest and <= PkiErrorCode.InputTooLarge).Label(error.Code.ToString());
    }
}
