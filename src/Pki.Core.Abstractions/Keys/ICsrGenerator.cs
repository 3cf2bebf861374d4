namespace Pki.Core;

/// <summary>
/// Generates a key and a PKCS#10 CSR for it (the "CSR generation" of enrollment systems). The private key is kept encrypted
/// in the <see cref="IPrivateKeyStore"/>; when a certificate is later issued for the CSR through <see cref="ICsrSigner"/>
/// (or a request token), it is linked to the kept key automatically, so the pair can be recovered with
/// <see cref="IPrivateKeyExporter"/>.
/// </summary>
public interface ICsrGenerator
{
    /// <summary>Generates the key, checks it against the enrollment policy, stores it encrypted and returns the CSR.</summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InvalidRequest"/> (no subject and no SANs, an unknown enrollment pattern or profile);
    /// <see cref="PkiErrorCode.PolicyViolation"/> (the key or profile is not allowed by the system-wide policy, the pattern or
    /// the profile); <see cref="PkiErrorCode.UnsupportedAlgorithm"/> (the library cannot generate the key yet);
    /// <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/>, <see cref="PkiErrorCode.InvalidName"/>,
    /// <see cref="PkiErrorCode.InputTooLarge"/>.
    /// </exception>
    ValueTask<GeneratedCsr> GenerateAsync(GenerateCsrRequest request, CancellationToken cancellationToken = default);
}
