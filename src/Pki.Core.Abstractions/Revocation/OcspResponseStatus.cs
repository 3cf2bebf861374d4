namespace Pki.Core;

/// <summary>OCSPResponseStatus (RFC 6960 section 4.2.1): whether the responder answered, and if not, why.</summary>
public enum OcspResponseStatus
{
    /// <summary>The response carries a signed status for every CertID of the request.</summary>
    Successful = 0,

    /// <summary>The request was not a well-formed OCSPRequest (or was larger than the library reads).</summary>
    MalformedRequest = 1,

    /// <summary>The responder failed (a store or key error); the client should try another responder or later.</summary>
    InternalError = 2,

    /// <summary>The responder is busy; try later. Not sent by this library.</summary>
    TryLater = 3,

    /// <summary>The request must be signed. Not sent by this library.</summary>
    SigRequired = 5,

    /// <summary>The request names no CA this responder answers for.</summary>
    Unauthorized = 6,
}
