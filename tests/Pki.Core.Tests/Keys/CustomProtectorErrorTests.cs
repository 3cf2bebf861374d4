using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Keys;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Keys;

/// <summary>
/// A protector of one's own (KMS, HSM) written to the earlier contract reports a blob it cannot open as InvalidKey: the
/// library treats it as KeyUnavailable, so rotation still re-wraps every other key and signing fails as a server fault.
/// </summary>
public sealed class CustomProtectorErrorTests
{
    /// <summary>A protector that reports InvalidKey for a blob it cannot open (the earlier contract).</summary>
    private sealed class ContractProtector : IPrivateKeyProtector
    {
        public ValueTask<byte[]> ProtectAsync(string keyId, ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken) =>
            ValueTask.FromResult<byte[]>([2, .. pkcs8.Span]);

        public ValueTask<byte[]> UnprotectAsync(string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken) =>
            protectedKey.Length > 0 && protectedKey.Span[0] is 1 or 2
                ? ValueTask.FromResult(protectedKey.Span[1..].ToArray())
                : throw new PkiException(PkiErrorCode.InvalidKey, $"Blob of '{keyId}' cannot be opened."); // as documented

        public async ValueTask<byte[]?> RewrapAsync(string keyId, ReadOnlyMemory<byte> protectedKey, CancellationToken cancellationToken)
        {
            byte[] plain = await UnprotectAsync(keyId, protectedKey, cancellationToken);
            return protectedKey.Span[0] == 2 ? null : [2, .. plain];
        }
    }

    [Fact]
    public async Task Rotation_with_a_protector_reporting_InvalidKey_rewraps_the_other_keys_and_reports_KeyUnavailable()
    {
        using var host = new PkiTestHost(services: s => s.AddSingleton<IPrivateKeyProtector, ContractProtector>());
        var store = host.Get<IPrivateKeyStore>();
        var now = TimeProvider.System.GetUtcNow();
        await store.AddAsync(new StoredPrivateKey("00000000000000000000000000000000", KeyAlgorithm.EcdsaP256, new byte[] { 9, 9, 9 }, now), CancellationToken.None); // damaged, listed first
        await store.AddAsync(new StoredPrivateKey("11111111111111111111111111111111", KeyAlgorithm.EcdsaP256, new byte[] { 1, 42 }, now), CancellationToken.None); // under the "old" scheme
        await store.AddAsync(new StoredPrivateKey("22222222222222222222222222222222", KeyAlgorithm.EcdsaP256, new byte[] { 1, 43 }, now), CancellationToken.None);

        var error = await Assert.ThrowsAsync<PkiException>(() => host.Get<IKeyEncryptionKeyRotation>().RewrapAllAsync().AsTask());

        // As with the built-in protector (An_unreadable_key_does_not_keep_the_others_under_the_old_kek): the others are re-wrapped.
        Assert.Equal(2, (await store.GetAsync("11111111111111111111111111111111", CancellationToken.None))!.ProtectedPkcs8.Span[0]);
        Assert.Equal(2, (await store.GetAsync("22222222222222222222222222222222", CancellationToken.None))!.ProtectedPkcs8.Span[0]);
        Assert.Contains("1 stored key(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(PkiErrorCode.KeyUnavailable, error.Code);
    }

    /// <summary>A signing-key provider that reports a missing key as InvalidKey (the earlier contract).</summary>
    private sealed class EarlierContractProvider : ISigningKeyProvider
    {
        public ValueTask<string> CreateAsync(KeyAlgorithm algorithm, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<string> ImportAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<ISigningKey> GetAsync(string keyId, CancellationToken cancellationToken) =>
            throw new PkiException(PkiErrorCode.InvalidKey, $"The signing key '{keyId}' does not exist.");
    }

    [Fact]
    public async Task A_stored_signing_key_a_provider_reports_as_InvalidKey_is_KeyUnavailable()
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => new EarlierContractProvider().LoadStoredAsync("k1", CancellationToken.None).AsTask());

        Assert.Equal(PkiErrorCode.KeyUnavailable, error.Code);
        Assert.Equal(PkiErrorCode.InvalidKey, Assert.IsType<PkiException>(error.InnerException).Code);
    }
}
