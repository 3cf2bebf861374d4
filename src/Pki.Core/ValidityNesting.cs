namespace Pki.Core;

/// <summary>What to do when a requested validity ends after the issuing CA's notAfter (RFC 5280 path validation would fail).</summary>
public enum ValidityNesting
{
    /// <summary>Refuse with <see cref="PkiErrorCode.PolicyViolation"/> and a message naming both dates.</summary>
    Reject = 0,

    /// <summary>Shorten notAfter to the CA's notAfter.</summary>
    Clip = 1,
}
