namespace Pki.Core;

/// <summary>Where a request token is in its life. Stores persist <see cref="Unused"/>, <see cref="Used"/> and
/// <see cref="Deleted"/>; <see cref="Expired"/> is computed from the clock (see <see cref="RequestTokenRecord.StateAt"/>).</summary>
public enum RequestTokenState
{
    /// <summary>The token can be redeemed (unless it has expired).</summary>
    Unused = 0,

    /// <summary>The token was redeemed into a certificate (<see cref="RequestTokenRecord.CertificateId"/>).</summary>
    Used = 1,

    /// <summary>The token was not redeemed before <see cref="RequestTokenRecord.ExpiresAt"/>. Never stored; always computed.</summary>
    Expired = 2,

    /// <summary>An administrator deleted the token; it can no longer be redeemed.</summary>
    Deleted = 3,
}
