using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.TestSupport;

/// <summary>Every in-memory store, built over each other as <c>AddPki()</c> builds them.</summary>
internal static class InMemoryStoreSet
{
    public static TidyStores Create()
    {
        var keys = new InMemoryPrivateKeyStore();
        var certificates = new InMemoryCertificateStore(keys);
        return new TidyStores(
            certificates, new InMemoryRequestTokenStore(certificates), new InMemoryRevocationStore(certificates), keys, new InMemoryAuthorityStore(keys, certificates));
    }
}
