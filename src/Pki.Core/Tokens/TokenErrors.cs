namespace Pki.Core.Tokens;

/// <summary>The redemption errors, with messages that never contain a secret. Shared by the engine and the in-memory store.</summary>
internal static class TokenErrors
{
    public static PkiException NotFound() =>
        new(PkiErrorCode.TokenNotFound, "The request token does not exist. Check that it was not mistyped.");

    /// <summary>The error for a token that cannot be redeemed at <paramref name="now"/>, or null when it can.</summary>
    public static PkiException? NotRedeemable(RequestTokenRecord token, DateTimeOffset now) => token.StateAt(now) switch
    {
        RequestTokenState.Unused => null,
        RequestTokenState.Used => new PkiException(PkiErrorCode.TokenAlreadyUsed, $"Request token {token.Id} has already been used; tokens are single-use."),
        RequestTokenState.Deleted => new PkiException(PkiErrorCode.TokenDeleted, $"Request token {token.Id} was deleted by an administrator."),
        _ => new PkiException(PkiErrorCode.TokenExpired, $"Request token {token.Id} expired at {token.ExpiresAt:u}."),
    };

    /// <summary>Throws <see cref="NotRedeemable"/>'s error, if any.</summary>
    public static void ThrowIfNotRedeemable(RequestTokenRecord token, DateTimeOffset now)
    {
        if (NotRedeemable(token, now) is { } error)
        {
            throw error;
        }
    }
}
