namespace Pki.Core.Keys;

/// <summary>
/// Calls into the <see cref="IPrivateKeyProtector"/> and the <see cref="ISigningKeyProvider"/> for keys the library stored. A blob that cannot be opened is the
/// server's problem (its key-encryption keys, its store), so it is <see cref="PkiErrorCode.KeyUnavailable"/>; a protector
/// written to the earlier contract reports <see cref="PkiErrorCode.InvalidKey"/>, which is turned into the same.
/// </summary>
internal static class StoredKeyProtection
{
    public static async ValueTask<byte[]> UnprotectStoredAsync(this IPrivateKeyProtector protector, string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken)
    {
        try
        {
            return await protector.UnprotectAsync(keyId, protectedKey, cancellationToken).ConfigureAwait(false);
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCode.InvalidKey)
        {
            throw Unavailable(ex);
        }
    }

    public static async ValueTask<byte[]?> RewrapStoredAsync(this IPrivateKeyProtector protector, string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken)
    {
        try
        {
            return await protector.RewrapAsync(keyId, protectedKey, cancellationToken).ConfigureAwait(false);
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCode.InvalidKey)
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Loads a stored signing key; a provider's <see cref="PkiErrorCode.InvalidKey"/> (the earlier contract) is <see cref="PkiErrorCode.KeyUnavailable"/>.</summary>
    public static async ValueTask<ISigningKey> LoadStoredAsync(this ISigningKeyProvider keys, string keyId, CancellationToken cancellationToken)
    {
        try
        {
            return await keys.GetAsync(keyId, cancellationToken).ConfigureAwait(false);
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCode.InvalidKey)
        {
            throw Unavailable(ex);
        }
    }

    private static PkiException Unavailable(PkiException invalid) => new(PkiErrorCode.KeyUnavailable, invalid.Message, invalid);
}
