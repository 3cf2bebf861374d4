using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pki.Core.Keys;

/// <summary>The engine behind <see cref="IKeyEncryptionKeyRotation"/>: page through the key store, re-wrap, compare-and-set.</summary>
internal sealed partial class KeyEncryptionKeyRotation(
    IPrivateKeyStore store,
    IPrivateKeyProtector protector,
    ILogger<KeyEncryptionKeyRotation>? logger = null) : IKeyEncryptionKeyRotation
{
    private const int PageSize = 100;
    private readonly ILogger _logger = logger ?? NullLogger<KeyEncryptionKeyRotation>.Instance;

    public async ValueTask<int> RewrapAllAsync(CancellationToken cancellationToken = default)
    {
        int rewrapped = 0;
        var unreadable = new List<string>();
        string? after = null;
        try
        {
            while (true)
            {
                int seen = 0;
                await foreach (var key in store.ListAsync(new PrivateKeyQuery { After = after, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
                {
                    seen++;
                    after = key.Id;
                    try
                    {
                        if (await RewrapAsync(key, cancellationToken).ConfigureAwait(false))
                        {
                            rewrapped++;
                        }
                    }
                    catch (PkiException ex) when (ex.Code == PkiErrorCode.KeyUnavailable)
                    {
                        unreadable.Add(key.Id); // one damaged key, or one under a retired KEK, must not keep the rest under the old one
                    }
                }

                if (seen < PageSize)
                {
                    LogRotated(_logger, rewrapped);
                    return unreadable.Count == 0 ? rewrapped : throw Unreadable(unreadable, rewrapped);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && rewrapped > 0)
        {
            // Keys were re-wrapped: the pass ends with their number (not zero, so the caller runs it again before
            // retiring the old key-encryption key) and is audited, instead of failing after changes that stand.
            LogRotated(_logger, rewrapped);
            return rewrapped;
        }
    }

    private static PkiException Unreadable(List<string> ids, int rewrapped)
    {
        const int Named = 10;
        string named = string.Join(", ", ids.Take(Named).Select(id => $"'{id}'")) + (ids.Count > Named ? $" and {ids.Count - Named} more" : string.Empty);
        return new PkiException(
            PkiErrorCode.KeyUnavailable,
            $"{ids.Count} stored key(s) could not be decrypted with the configured key-encryption keys ({named}); the other keys were " +
            $"re-wrapped ({rewrapped} in this pass). Configure the key-encryption key they were made under in PreviousKeyEncryptionKeys, or remove them.");
    }

    /// <summary>Re-wraps one key; a concurrent change is retried from the newly stored bytes.</summary>
    private async ValueTask<bool> RewrapAsync(StoredPrivateKey key, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            byte[]? replacement = await protector.RewrapStoredAsync(key.Id, key.ProtectedPkcs8, cancellationToken).ConfigureAwait(false);
            if (replacement is null)
            {
                return false;
            }

            try
            {
                await store.ReplaceProtectedKeyAsync(key.Id, key.ProtectedPkcs8, replacement, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.PrivateKeyNotFound)
            {
                return false; // removed (by tidy) since it was listed: nothing left to re-wrap
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCode.ConcurrencyConflict && attempt < 3)
            {
                var current = await store.GetAsync(key.Id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return false;
                }

                key = current;
            }
        }
    }

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Re-wrapped {Count} private keys under the current key-encryption key")]
    private static partial void LogRotated(ILogger logger, int count);
}
