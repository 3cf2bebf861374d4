namespace Pki.Core;

/// <summary>Maps <see cref="PkiErrorCode"/> values to the HTTP status a host should answer with.</summary>
public static class PkiErrorCodeExtensions
{
    /// <summary>
    /// Returns the HTTP status code documented for <paramref name="code"/>: 400 for bad input, 403 for
    /// authorization, 404 for missing resources, 409 for conflicts with the current state, 410 for tokens that
    /// are gone, 413 for oversized input.
    /// </summary>
    /// <remarks>
    /// A host redeeming request tokens may prefer to answer <see cref="PkiErrorCode.TokenNotFound"/>,
    /// <see cref="PkiErrorCode.TokenExpired"/>, <see cref="PkiErrorCode.TokenAlreadyUsed"/> and
    /// <see cref="PkiErrorCode.TokenDeleted"/> with one status so that an attacker learns nothing from the answer.
    /// </remarks>
    public static int ToHttpStatusCode(this PkiErrorCode code) => code switch
    {
        PkiErrorCode.Forbidden => 403,
        PkiErrorCode.AuthorityNotFound or PkiErrorCode.CertificateNotFound or PkiErrorCode.TokenNotFound or PkiErrorCode.PrivateKeyNotFound => 404,
        PkiErrorCode.Conflict or PkiErrorCode.AlreadyRevoked or PkiErrorCode.TokenAlreadyUsed
            or PkiErrorCode.AuthorityUnavailable or PkiErrorCode.ConcurrencyConflict or PkiErrorCode.DuplicateSerialNumber => 409,
        PkiErrorCode.TokenExpired or PkiErrorCode.TokenDeleted => 410,
        PkiErrorCode.InputTooLarge => 413,
        PkiErrorCode.KeyUnavailable => 500,
        _ => 400,
    };
}
