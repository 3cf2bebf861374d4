using System.Security.Cryptography.X509Certificates;
using Pki.Core.Issuance.Csr;

namespace Pki.Core.Issuance;

/// <summary>
/// The keyUsage bits a subject key of each family can have: an ECDSA key (id-ecPublicKey, RFC 5480 section 3) any of
/// digitalSignature, nonRepudiation, keyAgreement, keyCertSign, cRLSign, encipherOnly and decipherOnly; an Ed25519 key
/// (RFC 8410 section 5) and an ML-DSA key (RFC 9881 section 5) only digitalSignature, nonRepudiation, keyCertSign and
/// cRLSign. Neither ever gets keyEncipherment or dataEncipherment. RSA keys may have any usage.
/// (<see cref="CertificateProfile.KeyEnciphermentForRsa"/> already applies to RSA keys only.)
/// </summary>
internal static class SubjectKeyUsage
{
    public const X509KeyUsageFlags SignatureOnly =
        X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;

    public const X509KeyUsageFlags Ecdsa =
        SignatureOnly | X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.EncipherOnly | X509KeyUsageFlags.DecipherOnly;

    /// <exception cref="PkiException"><see cref="PkiErrorCode.PolicyViolation"/> when the profile asks for another usage.</exception>
    public static void Check(CertificateProfile profile, string publicKeyFamily, string profileName)
    {
        var (allowed, rfc) = publicKeyFamily switch
        {
            CsrKeyFamilies.Ecdsa => (Ecdsa, "RFC 5480, section 3"),
            CsrKeyFamilies.Ed25519 => (SignatureOnly, "RFC 8410, section 5"),
            CsrKeyFamilies.MlDsa => (SignatureOnly, "RFC 9881, section 5"),
            _ => (profile.KeyUsage, ""),
        };
        if ((profile.KeyUsage & ~allowed) != 0)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation,
                $"Profile '{profileName}' asks for key usage {profile.KeyUsage & ~allowed}, which an {publicKeyFamily} key cannot have ({rfc}).");
        }
    }
}
