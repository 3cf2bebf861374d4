namespace Pki.Core;

/// <summary>A delegated OCSP responder of a CA: a certificate with id-kp-OCSPSigning and ocsp-nocheck, and its key.</summary>
/// <param name="AuthorityId">The CA whose responses it signs.</param>
/// <param name="CertificateId">The responder certificate's record id.</param>
/// <param name="KeyId">The reference of its signing key (see <see cref="ISigningKeyProvider"/>).</param>
/// <param name="CertificatePem">The responder certificate in PEM, sent in every response.</param>
/// <param name="NotAfter">The responder certificate's notAfter; after it the CA signs its own responses again.</param>
public sealed record OcspResponderRecord(string AuthorityId, string CertificateId, string KeyId, string CertificatePem, DateTimeOffset NotAfter);
