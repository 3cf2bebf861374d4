using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CaServer.Tests.TestSupport;

/// <summary>A key and a CSR made by .NET's CertificateRequest.</summary>
public sealed class TestCsr : IDisposable
{
    public TestCsr(string subject)
    {
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Pem = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public ECDsa Key { get; }

    public string Pem { get; }

    /// <summary>The issued certificate with this key, ready for TLS.</summary>
    public X509Certificate2 WithKey(string certificatePem)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var withKey = certificate.CopyWithPrivateKey(Key);
        // Round-trip through PKCS#12 so SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose() => Key.Dispose();
}
