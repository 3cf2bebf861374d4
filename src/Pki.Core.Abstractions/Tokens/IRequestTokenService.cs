namespace Pki.Core;

/// <summary>
/// Pre-approved, single-use certificate request tokens: an administrator creates a token carrying locked certificate
/// metadata; the end user redeems it with a CSR made from their own key and gets a client certificate. The CA never
/// sees the user's private key.
/// </summary>
/// <remarks>
/// The four redemption errors (<see cref="PkiErrorCode.TokenNotFound"/>, <see cref="PkiErrorCode.TokenExpired"/>,
/// <see cref="PkiErrorCode.TokenAlreadyUsed"/>, <see cref="PkiErrorCode.TokenDeleted"/>) are distinct so that an
/// administrator can troubleshoot; a host facing the public may answer all four with one status so that an attacker
/// learns nothing about which secrets exist.
/// </remarks>
public interface IRequestTokenService
{
    /// <summary>Creates a token and returns it with its secret, shown this once (only a hash is stored).</summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InvalidRequest"/> (name, validity, lifetime, unknown or CA profile),
    /// <see cref="PkiErrorCode.InvalidName"/> (a locked field is not a valid attribute value),
    /// <see cref="PkiErrorCode.PolicyViolation"/> (validity beyond the profile's cap),
    /// <see cref="PkiErrorCode.AuthorityNotFound"/>, <see cref="PkiErrorCode.AuthorityUnavailable"/>.
    /// </exception>
    ValueTask<CreatedRequestToken> CreateAsync(CreateRequestTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Redeems a token with a CSR: the CSR goes through the same strict reader and issuance pipeline as
    /// <see cref="ICsrSigner.SignAsync"/>; the token's locked fields win over the CSR's subject, fields it left blank
    /// come from the CSR. The certificate is stored and the token marked used as one atomic unit, so a token yields at
    /// most one certificate even when redemptions race. A redemption that fails on its CSR does not use up the token.
    /// </summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.TokenNotFound"/> (also for a malformed secret), <see cref="PkiErrorCode.TokenExpired"/>,
    /// <see cref="PkiErrorCode.TokenAlreadyUsed"/>, <see cref="PkiErrorCode.TokenDeleted"/>;
    /// <see cref="PkiErrorCode.InvalidRequest"/> (the CSR input is missing or not of type <c>CSR</c>); and every CSR and
    /// policy error of <see cref="ICsrSigner.SignAsync"/>.
    /// </exception>
    ValueTask<IssuedCertificate> RedeemAsync(RedeemRequestTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a token by id, with its state as of now.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.TokenNotFound"/>.</exception>
    ValueTask<RequestTokenRecord> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists tokens, ordered by id, with their state as of now.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the limit is not 1 to 1000.</exception>
    IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a token: it stays listed (state <see cref="RequestTokenState.Deleted"/>) but can no longer be
    /// redeemed. Deleting a deleted token changes nothing.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.TokenNotFound"/>.</exception>
    ValueTask<RequestTokenRecord> DeleteAsync(string id, CancellationToken cancellationToken = default);
}
