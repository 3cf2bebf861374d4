namespace Pki.Core;

/// <summary>What a certificate is for; every profile has one.</summary>
public enum CertificateType
{
    /// <summary>A TLS server certificate (id-kp-serverAuth).</summary>
    Server = 1,

    /// <summary>A TLS client certificate (id-kp-clientAuth).</summary>
    Client = 2,

    /// <summary>A certificate for both TLS server and client authentication.</summary>
    Dual = 3,

    /// <summary>A certificate authority certificate.</summary>
    CertificateAuthority = 4,
}
