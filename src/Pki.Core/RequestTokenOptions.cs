namespace Pki.Core;

/// <summary>Settings for certificate request tokens.</summary>
public sealed class RequestTokenOptions
{
    /// <summary>The prefix of every token secret; fixed, so that secret scanners and people recognise a token.</summary>
    public const string SecretPrefix = "crt_";

    /// <summary>How long a token stays redeemable when the request gives no <c>ExpiresAt</c>. Default 7 days.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The longest lifetime a token may be given. Default 30 days.</summary>
    public TimeSpan MaximumLifetime { get; set; } = TimeSpan.FromDays(30);
}
