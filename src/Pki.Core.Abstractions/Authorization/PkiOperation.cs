namespace Pki.Core;

/// <summary>Every operation that goes through the one authorization point.</summary>
public enum PkiOperation
{
    /// <summary>Read a CA, a certificate or a token.</summary>
    Read = 1,

    /// <summary>Create or import a CA (Admin of the organization, or Superuser).</summary>
    ManageAuthority = 2,

    /// <summary>Issue a certificate or sign a CSR (<see cref="PkiCapabilities.CreateCertificate"/>).</summary>
    Issue = 3,

    /// <summary>Create or delete a request token (<see cref="PkiCapabilities.CreateCertificate"/>).</summary>
    ManageToken = 4,

    /// <summary>Revoke, hold or reactivate a certificate (<see cref="PkiCapabilities.RevokeCertificate"/>).</summary>
    Revoke = 5,

    /// <summary>Export an escrowed private key (<see cref="PkiCapabilities.ExportPrivateKey"/>).</summary>
    ExportPrivateKey = 6,

    /// <summary>Publish CRLs and OCSP responses (<see cref="PkiCapabilities.RevokeCertificate"/>).</summary>
    Publish = 7,
}
