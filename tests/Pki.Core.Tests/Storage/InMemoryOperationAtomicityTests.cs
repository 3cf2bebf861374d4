using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pki.Core.Storage.InMemory;
using Pki.Storage.Conformance;

namespace Pki.Core.Tests.Storage;

public sealed class InMemoryOperationAtomicityTests : OperationAtomicityConformance
{
    /// <summary>
    /// The stores <c>AddPki()</c> registers, built by factory so that the suite can decorate the engine's view of them
    /// while the revocation and token stores keep the undecorated certificate store they work over.
    /// </summary>
    protected override ValueTask UseStorageAsync(IPkiBuilder pki)
    {
        var services = pki.Services;
        services.AddSingleton(sp => new InMemoryCertificateStore(sp.GetRequiredService<IPrivateKeyStore>()));
        services.Replace(ServiceDescriptor.Singleton<ICertificateStore>(sp => sp.GetRequiredService<InMemoryCertificateStore>()));
        services.Replace(ServiceDescriptor.Singleton<IAuthorityStore>(sp => new InMemoryAuthorityStore(sp.GetRequiredService<IPrivateKeyStore>(), sp.GetRequiredService<InMemoryCertificateStore>())));
        services.Replace(ServiceDescriptor.Singleton<IAuditStore>(_ => new InMemoryAuditStore()));
        services.Replace(ServiceDescriptor.Singleton<IRevocationStore>(sp => new InMemoryRevocationStore(sp.GetRequiredService<InMemoryCertificateStore>())));
        services.Replace(ServiceDescriptor.Singleton<IRequestTokenStore>(sp => new InMemoryRequestTokenStore(sp.GetRequiredService<InMemoryCertificateStore>())));
        return ValueTask.CompletedTask;
    }
}
