namespace Pki.Core;

/// <summary>Signs PKCS#10 certificate signing requests under a CA the library holds.</summary>
public interface ICsrSigner
{
    /// <summary>
    /// Parses the CSR strictly (DER only, size-limited, version 0), verifies its signature and key strength, merges
    /// the subject with the overrides, applies the profile's SAN and validity rules, signs, stores and returns the
    /// certificate.
    /// </summary>
    /// <remarks>
    /// Requested extensions other than subjectAltName are ignored; a CSR asking for cA=TRUE never yields a CA
    /// certificate from an end-entity profile. Attributes other than extensionRequest (challengePassword …) are ignored.
    /// </remarks>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InvalidCsr"/>, <see cref="PkiErrorCode.InputTooLarge"/>,
    /// <see cref="PkiErrorCode.CsrSignatureInvalid"/>, <see cref="PkiErrorCode.UnsupportedAlgorithm"/>,
    /// <see cref="PkiErrorCode.WeakKey"/>, <see cref="PkiErrorCode.InvalidName"/>,
    /// <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/>, <see cref="PkiErrorCode.PolicyViolation"/>,
    /// <see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>.
    /// </exception>
    ValueTask<IssuedCertificate> SignAsync(SignCsrRequest request, CancellationToken cancellationToken = default);
}
