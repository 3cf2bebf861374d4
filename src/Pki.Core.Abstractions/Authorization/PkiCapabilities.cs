namespace Pki.Core;

/// <summary>What a caller may do on one CA (seed 003: <c>create_cert</c>, <c>revoke_cert</c>, <c>export_private_key</c>).</summary>
[Flags]
public enum PkiCapabilities
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>create_cert</c>: issue certificates, sign CSRs, create and delete request tokens on the CA.</summary>
    CreateCertificate = 1,

    /// <summary><c>revoke_cert</c>: revoke, hold and reactivate certificates the CA issued.</summary>
    RevokeCertificate = 2,

    /// <summary><c>export_private_key</c>: export escrowed private keys of certificates the CA issued.</summary>
    ExportPrivateKey = 4,
}
