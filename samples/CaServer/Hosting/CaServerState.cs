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

    /// <summary>The HTTPS listener's certificate with its key, issued by the issuing CA at start-up.</summary>
    public X509Certificate2? TlsCertificate { get; private set; }

    /// <summary>Completes when the bootstrap has run.</summary>
    public Task Ready => _ready.Task;

    internal void Set(string rootId, string issuingId, X509Certificate2 root, string issuingChainPem, X509Certificate2 tls)
    {
        RootId = rootId;
        IssuingId = issuingId;
        RootCertificate = root;
        IssuingChainPem = issuingChainPem;
        TlsCertificate = tls;
        _ready.TrySetResult();
    }
}
