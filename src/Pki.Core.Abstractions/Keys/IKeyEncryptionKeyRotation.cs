namespace Pki.Core;

/// <summary>Re-wraps every stored private key under the current key-encryption key (rotation without touching certificates).</summary>
public interface IKeyEncryptionKeyRotation
{
    /// <summary>
    /// Walks the <see cref="IPrivateKeyStore"/> and re-wraps each key that is not yet under the current key-encryption key,
    /// with a compare-and-set per key. Safe to run again after an interruption, and alongside issuance.
    /// </summary>
    /// <returns>The number of keys re-wrapped. A cancellation after at least one key was re-wrapped ends the pass early
    /// with that number (never 0) instead of throwing; run it again until it returns 0.</returns>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.KeyUnavailable"/> at the end of the pass when keys could not be
    /// decrypted — under a key-encryption key that is no longer configured (keep the old one in
    /// <c>PreviousKeyEncryptionKeys</c> until rotation has finished), or damaged — naming them; every other key has been
    /// re-wrapped by then.</exception>
    ValueTask<int> RewrapAllAsync(CancellationToken cancellationToken = default);
}
