using System.Security.Cryptography.X509Certificates;
using Pki.Core.Issuance.Csr;

namespace Pki.Core.Issuance;

/// <summary>
/// RFC 9881, section 5: the keyUsage of a certificate with an ML-DSA subject key contains only digitalSignature,
/// nonRepudiation, keyCertSign and cRLSign; never keyEncipherment, dataEncipherment, keyAgreement, encipherOnly or
/// decipherOnly. (<see cref="CertificateProfile.KeyEnciphermentForRsa"/> already applies to RSA keys only.)
/// </summary>
internal static class MlDsaKeyUsage
{
    public const X509KeyUsageFlags Allowed =
        X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;

    /// <exception cref="PkiException"><see cref="PkiErrorCode.PolicyViolation"/> when the profile asks for another usage.</exception>
    public static void Check(CertificateProfile profile, string publicKeyFamily, string profileName)
    {
        if (publicKeyFamily == CsrKeyFamilies.MlDsa && (profile.KeyUsage & ~Allowed) != 0)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation,
                $"Profile '{profileName}' asks for key usage {profile.KeyUsage & ~Allowed}, which an ML-DSA key cannot have (RFC 9881, section 5).");
        }
    }
}
