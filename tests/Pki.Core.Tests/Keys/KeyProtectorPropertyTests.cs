using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using Pki.Core.Keys;

namespace Pki.Core.Tests.Keys;

/// <summary>The envelope protector: round trips, and every wrong key, wrong id or changed byte is a typed error, never garbage.</summary>
public sealed class KeyProtectorPropertyTests
{
    private static readonly byte[] KekA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KekB = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private static EnvelopeKeyProtector Protector(byte[] kek, string kekId = "a", params (string Id, byte[] Key)[] previous)
    {
        var options = new PkiOptions { KeyEncryptionKey = kek, KeyEncryptionKeyId = kekId };
        foreach (var (id, key) in previous)
        {
            options.PreviousKeyEncryptionKeys[id] = key;
        }

        return new EnvelopeKeyProtector(Options.Create(options));
    }

    private static string Id(NonEmptyString id) => id.Get;

    [Property(MaxTest = 200)]
    public void Protect_then_unprotect_returns_the_bytes(byte[] plaintext, NonEmptyString keyId)
    {
        var protector = Protector(KekA);
        byte[] blob = protector.Protect(Id(keyId), plaintext);
        Assert.Equal(plaintext, protector.Unprotect(Id(keyId), blob));
        Assert.Equal(plaintext, Protector(KekA).Unprotect(Id(keyId), blob));
    }

    [Property(MaxTest = 200)]
    public void Any_changed_byte_is_KeyUnavailable(byte[] plaintext, NonEmptyString keyId, PositiveInt position, byte flip)
    {
        var protector = Protector(KekA);
        byte[] blob = protector.Protect(Id(keyId), plaintext);
        blob[position.Get % blob.Length] ^= (byte)(flip == 0 ? 1 : flip);
        var error = Assert.Throws<PkiException>(() => protector.Unprotect(Id(keyId), blob));
        Assert.Equal(PkiErrorCode.KeyUnavailable, error.Code);
    }

    [Property(MaxTest = 100)]
    public void Truncated_blobs_are_KeyUnavailable(byte[] plaintext, NonEmptyString keyId, PositiveInt cut)
    {
        var protector = Protector(KekA);
        byte[] blob = protector.Protect(Id(keyId), plaintext);
        var error = Assert.Throws<PkiException>(() => protector.Unprotect(Id(keyId), blob.AsSpan(0, cut.Get % blob.Length)));
        Assert.Equal(PkiErrorCode.KeyUnavailable, error.Code);
    }

    [Property(MaxTest = 100)]
    public void Wrong_KEK_or_another_id_is_KeyUnavailable(byte[] plaintext, NonEmptyString keyId)
    {
        byte[] blob = Protector(KekA).Protect(Id(keyId), plaintext);
        Assert.Equal(PkiErrorCode.KeyUnavailable, Assert.Throws<PkiException>(() => Protector(KekB).Unprotect(Id(keyId), blob)).Code);
        Assert.Equal(PkiErrorCode.KeyUnavailable, Assert.Throws<PkiException>(() => Protector(KekB, "b").Unprotect(Id(keyId), blob)).Code);
        Assert.Equal(PkiErrorCode.KeyUnavailable, Assert.Throws<PkiException>(() => Protector(KekA).Unprotect(Id(keyId) + "x", blob)).Code);
    }

    [Property(MaxTest = 100)]
    public void Rewrap_moves_to_the_new_KEK_and_keeps_the_key(byte[] plaintext, NonEmptyString keyId)
    {
        byte[] blob = Protector(KekA).Protect(Id(keyId), plaintext);
        var rotated = Protector(KekB, "b", ("a", KekA));

        byte[] rewrapped = rotated.Rewrap(Id(keyId), blob)!;

        Assert.Null(rotated.Rewrap(Id(keyId), rewrapped));
        Assert.Equal(plaintext, Protector(KekB, "b").Unprotect(Id(keyId), rewrapped));
        Assert.Equal(PkiErrorCode.KeyUnavailable, Assert.Throws<PkiException>(() => Protector(KekA).Unprotect(Id(keyId), rewrapped)).Code);
        // Only the data key was re-wrapped: the encrypted private key is the same bytes.
        Assert.Equal(blob[^(plaintext.Length + 28)..], rewrapped[^(plaintext.Length + 28)..]);
    }

    [Fact]
    public void Version_1_blobs_are_read_and_rewrapped_to_version_2()
    {
        byte[] plaintext = [1, 2, 3, 4, 5];
        byte[] nonce = new byte[12];
        byte[] tag = new byte[16];
        byte[] ciphertext = new byte[plaintext.Length];
        using (var aes = new System.Security.Cryptography.AesGcm(KekA, 16))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, "k1"u8);
        }

        byte[] legacy = [1, .. nonce, .. tag, .. ciphertext];
        var protector = Protector(KekA);
        Assert.Equal(plaintext, protector.Unprotect("k1", legacy));
        byte[] upgraded = protector.Rewrap("k1", legacy)!;
        Assert.Equal(2, upgraded[0]);
        Assert.Equal(plaintext, protector.Unprotect("k1", upgraded));

        // After a rotation done as documented (the old KEK becomes a previous one), the version-1 blob still reads and upgrades.
        var rotated = Protector(KekB, "b", ("a", KekA));
        Assert.Equal(plaintext, rotated.Unprotect("k1", legacy));
        byte[] rewrapped = rotated.Rewrap("k1", legacy)!;
        Assert.Equal(plaintext, Protector(KekB, "b").Unprotect("k1", rewrapped));
        Assert.Equal(PkiErrorCode.KeyUnavailable, Assert.Throws<PkiException>(() => Protector(KekB, "b").Unprotect("k1", legacy)).Code);
    }

    [Fact]
    public async Task RewrapAll_rotates_every_stored_key_and_the_keys_still_export()
    {
        byte[] oldKek = KekA;
        var store = new Pki.Core.Storage.InMemory.InMemoryPrivateKeyStore();
        using var before = OldKekHost(oldKek, store);
        var (_, issuing) = await before.CreateHierarchyAsync();
        var issued = await before.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=r.example.com") });

        using var after = new Pki.Core.Tests.TestSupport.PkiTestHost(
            o => { o.KeyEncryptionKey = KekB; o.KeyEncryptionKeyId = "2026"; o.PreviousKeyEncryptionKeys["2025"] = oldKek; },
            services: SharedStores(before, store));
        Assert.Equal(3, await after.Get<IKeyEncryptionKeyRotation>().RewrapAllAsync());
        Assert.Equal(0, await after.Get<IKeyEncryptionKeyRotation>().RewrapAllAsync());

        // Only the new KEK now: the certificate's key still exports, and the CAs still sign.
        using var rotated = new Pki.Core.Tests.TestSupport.PkiTestHost(
            o => { o.KeyEncryptionKey = KekB; o.KeyEncryptionKeyId = "2026"; },
            services: SharedStores(before, store));
        var exported = await rotated.Get<IPrivateKeyExporter>().ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null);
        Assert.Equal(issued.PrivateKeyPem, exported.Pem);
        var again = await rotated.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=s.example.com") });
        Assert.NotNull(again.Record.PrivateKeyId);
    }

    [Fact]
    public async Task An_unreadable_key_does_not_keep_the_others_under_the_old_kek()
    {
        byte[] oldKek = KekA;
        var store = new Pki.Core.Storage.InMemory.InMemoryPrivateKeyStore();
        using var before = OldKekHost(oldKek, store);
        var (_, issuing) = await before.CreateHierarchyAsync();
        var issued = await before.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, Subject = DistinguishedName.Parse("CN=u.example.com") });
        // Listed first (the lowest id): a damaged blob.
        await store.AddAsync(new StoredPrivateKey("00000000000000000000000000000000", KeyAlgorithm.EcdsaP256, new byte[64], before.Get<TimeProvider>().GetUtcNow()), CancellationToken.None);

        var shared = SharedStores(before, store);
        using var after = new Pki.Core.Tests.TestSupport.PkiTestHost(
            o => { o.KeyEncryptionKey = KekB; o.KeyEncryptionKeyId = "2026"; o.PreviousKeyEncryptionKeys["2025"] = oldKek; }, services: shared);
        var error = await Assert.ThrowsAsync<PkiException>(() => after.Get<IKeyEncryptionKeyRotation>().RewrapAllAsync().AsTask());
        Assert.Equal(PkiErrorCode.KeyUnavailable, error.Code);
        Assert.Contains("'00000000000000000000000000000000'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3 in this pass)", error.Message, StringComparison.Ordinal);

        // Every readable key is under the new KEK: with only that one configured, the certificate's key still exports.
        using var rotated = new Pki.Core.Tests.TestSupport.PkiTestHost(o => { o.KeyEncryptionKey = KekB; o.KeyEncryptionKeyId = "2026"; }, services: shared);
        var exported = await rotated.Get<IPrivateKeyExporter>().ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null);
        Assert.Equal(issued.PrivateKeyPem, exported.Pem);
    }

    /// <summary>A later host over the same stores as <paramref name="before"/> (its keys in <paramref name="store"/>).</summary>
    private static Action<Microsoft.Extensions.DependencyInjection.IServiceCollection> SharedStores(
        Pki.Core.Tests.TestSupport.PkiTestHost before, Pki.Core.Storage.InMemory.InMemoryPrivateKeyStore store) => s =>
    {
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IPrivateKeyStore>(s, store);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(s, before.Get<ICertificateStore>());
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(s, before.Get<IAuthorityStore>());
    };

    /// <summary>A host whose keys are wrapped under <paramref name="oldKek"/> (id "2025") and kept in <paramref name="store"/>.</summary>
    private static Pki.Core.Tests.TestSupport.PkiTestHost OldKekHost(byte[] oldKek, Pki.Core.Storage.InMemory.InMemoryPrivateKeyStore store) => new(
        o => { o.KeyEncryptionKey = oldKek; o.KeyEncryptionKeyId = "2025"; },
        services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IPrivateKeyStore>(s, store));
}
