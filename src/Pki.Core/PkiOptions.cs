namespace Pki.Core;

/// <summary>Settings for Pki.Core, validated at start-up.</summary>
public sealed class PkiOptions
{
    /// <summary>Limits applied to every CSR.</summary>
    public CsrLimits Csr { get; } = new();

    /// <summary>Which keys and signature algorithms CSRs may use.</summary>
    public KeyPolicyOptions KeyPolicy { get; } = new();

    /// <summary>Lifetimes of certificate request tokens.</summary>
    public RequestTokenOptions Tokens { get; } = new();

    /// <summary>
    /// Certificate profiles by name. Starts with the built-in <c>server</c>, <c>client</c>, <c>dual</c>, <c>ca</c> and <c>ocsp-signing</c>
    /// profiles; replace an entry to change one, add entries for your own.
    /// </summary>
    public IDictionary<string, CertificateProfile> Profiles { get; } = CertificateProfile.BuiltIn();

    /// <summary>What happens when a certificate would outlive its issuing CA. Default <see cref="ValidityNesting.Reject"/>.</summary>
    public ValidityNesting ValidityNesting { get; set; } = ValidityNesting.Reject;

    /// <summary>Validity of new root CAs when the request gives none, in days. Default 3650.</summary>
    public int DefaultRootValidityDays { get; set; } = 3650;

    /// <summary>Validity of new intermediate CAs when the request gives none, in days. Default 1825.</summary>
    public int DefaultIntermediateValidityDays { get; set; } = 1825;

    /// <summary>How revocation is published (CRLs, OCSP, asynchronous publication).</summary>
    public RevocationOptions Revocation { get; } = new();

    /// <summary>What tidy removes (retention periods), in what batches, and how often the background tidy service runs.</summary>
    public TidyOptions Tidy { get; } = new();

    /// <summary>
    /// The 32-byte AES-256 key that encrypts private keys at rest. When null, a random key is made per process — fine
    /// for in-memory stores, wrong for durable ones (their keys could not be read after a restart).
    /// </summary>
    public byte[]? KeyEncryptionKey { get; set; }

    /// <summary>
    /// The id of <see cref="KeyEncryptionKey"/>, written next to every data key it wraps (1 to 64 printable ASCII
    /// characters). Change it together with the key when rotating. Default <c>default</c>.
    /// </summary>
    public string KeyEncryptionKeyId { get; set; } = "default";

    /// <summary>
    /// Earlier key-encryption keys by id, used only to decrypt keys not yet re-wrapped (see
    /// <see cref="IKeyEncryptionKeyRotation"/>). Each must be 32 bytes.
    /// </summary>
    public IDictionary<string, byte[]> PreviousKeyEncryptionKeys { get; } = new Dictionary<string, byte[]>(StringComparer.Ordinal);

    /// <summary>The system-wide enrollment policy: applies to every end-entity issuance (CSR signing, generated keys, token
    /// redemption, delegated OCSP responders) and CSR generation; not to creating or importing a CA.</summary>
    public EnrollmentPolicy EnrollmentPolicy { get; } = new();

    /// <summary>
    /// Named enrollment patterns, chosen per request with <see cref="IssuanceRequest.EnrollmentPattern"/> or
    /// <see cref="GenerateCsrRequest.EnrollmentPattern"/>. A pattern's restrictions apply on top of the system-wide policy;
    /// where a pattern and the profile (template) both restrict key algorithms, the pattern wins.
    /// </summary>
    public IDictionary<string, EnrollmentPolicy> EnrollmentPatterns { get; } = new Dictionary<string, EnrollmentPolicy>(StringComparer.Ordinal);
}
