using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pki.Core.Authority;
using Pki.Core.Issuance;
using Pki.Core.Issuance.Profiles;

namespace Pki.Core.Tokens;

/// <summary>The engine behind <see cref="IRequestTokenService"/>; creation and redemption live in their own partial files.</summary>
/// <remarks>Nothing here logs, throws or stores a secret: logs and errors name tokens by id only.</remarks>
internal sealed partial class RequestTokenService(
    IRequestTokenStore store,
    AuthorityResolver authorities,
    ProfileCatalog profiles,
    IssuancePipeline pipeline,
    IdGenerator ids,
    TimeProvider time,
    IOptions<PkiOptions> options,
    ILogger<RequestTokenService>? logger = null) : IRequestTokenService
{
    private const int MaxPageSize = 1000;

    private readonly ILogger _logger = logger ?? NullLogger<RequestTokenService>.Instance;

    public async ValueTask<RequestTokenRecord> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var token = await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw TokenErrors.NotFound();
        return AsOf(token, time.GetUtcNow());
    }

    public async IAsyncEnumerable<RequestTokenRecord> ListAsync(RequestTokenQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new RequestTokenQuery();
        if (query.Limit is < 1 or > MaxPageSize)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"A page holds 1 to {MaxPageSize} entries, not {query.Limit}.");
        }

        var now = time.GetUtcNow();
        await foreach (var token in store.ListAsync(query, now, cancellationToken).ConfigureAwait(false))
        {
            yield return AsOf(token, now);
        }
    }

    public async ValueTask<RequestTokenRecord> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var now = time.GetUtcNow();
        var token = await store.DeleteAsync(id, now, cancellationToken).ConfigureAwait(false);
        LogDeleted(_logger, token.Id);
        return AsOf(token, now);
    }

    /// <summary>The record with its state as of <paramref name="now"/> (an unused token past its expiry reads as expired).</summary>
    private static RequestTokenRecord AsOf(RequestTokenRecord token, DateTimeOffset now)
    {
        var state = token.StateAt(now);
        return state == token.State ? token : token with { State = state };
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Created request token {TokenId} '{Name}' for CA {AuthorityId} with profile {Profile}, expires {ExpiresAt}")]
    private static partial void LogCreated(ILogger logger, string tokenId, string name, string authorityId, string profile, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Redeemed request token {TokenId} into certificate {CertificateId}")]
    private static partial void LogRedeemed(ILogger logger, string tokenId, string certificateId);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Refused to redeem request token {TokenId}: {ErrorCode}")]
    private static partial void LogRefused(ILogger logger, string? tokenId, PkiErrorCode errorCode);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Deleted request token {TokenId}")]
    private static partial void LogDeleted(ILogger logger, string tokenId);
}
