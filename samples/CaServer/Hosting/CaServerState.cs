using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pki.CaServer.Hosting;

/// <summary>What the bootstrap made: the ids of the configured CAs and the TLS certificate of the HTTPS listener.</summary>
public sealed class CaServerState
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The root CA id.</summary>
    public string RootId { get; private set; } = "";

    /// <summary>The issuing CA id.</summary>
    public string IssuingId { get; private set; } = "";

    /// <summary>The root certificate (the trust anchor of the mTLS demonstration).</summary>
    public X509Certificate2? RootCertificate { get; private set; }

    /// <summary>The issuing CA's chain in PEM, up to the root.</summary>
    public string IssuingChainPem { get; private set; } = "";

    private volatile TlsIdentity? _tls;

    /// <summary>The HTTPS listener's current certificate with its key, issued by the issuing CA (renewed: see <see cref="TlsCertificateRenewal"/>).</summary>
    public X509Certificate2? TlsCertificate => _tls?.Certificate;

    /// <summary>The current certificate with the issuing chain, as new TLS connections present it.</summary>
    internal SslStreamCertificateContext? TlsContext => _tls?.Context;

    /// <summary>Completes when the bootstrap has run.</summary>
    public Task Ready => _ready.Task;

    internal void Set(string rootId, string issuingId, X509Certificate2 root, string issuingChainPem, X509Certificate2 tls)
    {
        RootId = rootId;
        IssuingId = issuingId;
        RootCertificate = root;
        IssuingChainPem = issuingChainPem;
        SetTls(tls);
        _ready.TrySetResult();
    }

    /// <summary>Makes <paramref name="tls"/> the certificate new connections get, with the issuing chain.</summary>
    internal void SetTls(X509Certificate2 tls)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(IssuingChainPem);
        _tls = new TlsIdentity(tls, SslStreamCertificateContext.Create(tls, chain, offline: true));
    }

    private sealed record TlsIdentity(X509Certificate2 Certificate, SslStreamCertificateContext Context);
}
