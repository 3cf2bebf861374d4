namespace Pki.Core;

/// <summary>
/// Stable error codes carried by <see cref="PkiException"/>. Values never change once released; a host maps
/// each code to a protocol status with <see cref="PkiErrorCodeExtensions.ToHttpStatusCode"/>.
/// </summary>
public enum PkiErrorCode
{
    /// <summary>A request field is missing or malformed. HTTP 400.</summary>
    InvalidRequest = 1000,

    /// <summary>The CSR is not a well-formed DER PKCS#10 request (RFC 2986), or its PEM armour is broken. HTTP 400.</summary>
    InvalidCsr = 1001,

    /// <summary>The CSR's signature (its proof of possession) does not verify. HTTP 400.</summary>
    CsrSignatureInvalid = 1002,

    /// <summary>A signature or key algorithm is not allowed by the key policy (MD5, SHA-1, DSA, explicit curves, unknown OIDs). HTTP 400.</summary>
    UnsupportedAlgorithm = 1003,

    /// <summary>The public key is too weak or invalid (RSA below the minimum size, a point not on the curve). HTTP 400.</summary>
    WeakKey = 1004,

    /// <summary>A distinguished-name attribute is malformed (control characters, wrong string type, size limits). HTTP 400.</summary>
    InvalidName = 1005,

    /// <summary>A subject alternative name is malformed (bad DNS name, email address or IP address). HTTP 400.</summary>
    InvalidSubjectAlternativeName = 1006,

    /// <summary>The request is well-formed but the profile or policy forbids it (SAN types, validity, CA flag). HTTP 400.</summary>
    PolicyViolation = 1007,

    /// <summary>The input exceeds a configured size or count limit. HTTP 413.</summary>
    InputTooLarge = 1008,

    /// <summary>A private key or certificate given for import is malformed, encrypted with a wrong password, or does not match. HTTP 400.</summary>
    InvalidKey = 1009,

    /// <summary>A certificate given as a CA is not a CA certificate (no basicConstraints cA=TRUE or no keyCertSign). HTTP 400.</summary>
    NotACertificateAuthority = 1010,

    /// <summary>The caller is not allowed to perform the operation. HTTP 403.</summary>
    Forbidden = 1300,

    /// <summary>The certificate authority does not exist. HTTP 404.</summary>
    AuthorityNotFound = 1400,

    /// <summary>The certificate does not exist. HTTP 404.</summary>
    CertificateNotFound = 1401,

    /// <summary>The request token does not exist. HTTP 404.</summary>
    TokenNotFound = 1402,

    /// <summary>The certificate exists but the library holds no private key for it (the key was not generated or kept by the library). HTTP 404.</summary>
    PrivateKeyNotFound = 1403,

    /// <summary>The resource already exists (a duplicate CA name within an organization, a duplicate serial). HTTP 409.</summary>
    Conflict = 1900,

    /// <summary>The certificate is already revoked. HTTP 409.</summary>
    AlreadyRevoked = 1901,

    /// <summary>The request token has already been redeemed. HTTP 409.</summary>
    TokenAlreadyUsed = 1902,

    /// <summary>The CA cannot issue right now: it is revoked, expired or not yet valid. HTTP 409.</summary>
    AuthorityUnavailable = 1903,

    /// <summary>A concurrent change won; retry the operation. HTTP 409.</summary>
    ConcurrencyConflict = 1904,

    /// <summary>A store refused a certificate because its CA already has one with the same serial number; the engine retries. HTTP 409.</summary>
    DuplicateSerialNumber = 1905,

    /// <summary>The request token has expired. HTTP 410.</summary>
    TokenExpired = 1100,

    /// <summary>The request token was deleted by an administrator. HTTP 410.</summary>
    TokenDeleted = 1101,

    /// <summary>
    /// A key the library stored cannot be used: it cannot be decrypted with the configured key-encryption keys (a wrong or
    /// missing <c>KeyEncryptionKey</c>, a retired one still needed, a damaged blob), is missing from the key store, or does
    /// not match its certificate. A server fault, not the caller's: HTTP 500. The message names the key for the operator;
    /// a host should log it and answer a generic error.
    /// </summary>
    KeyUnavailable = 1500,
}
