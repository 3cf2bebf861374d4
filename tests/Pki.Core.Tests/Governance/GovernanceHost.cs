using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Governance;

/// <summary>A host whose caller the test switches, with two organizations' CAs created by the system caller.</summary>
public sealed class GovernanceHost : IDisposable
{
    public sealed class SwitchableCaller : ICallerAccessor
    {
        public PkiCaller Caller { get; set; } = PkiCaller.System;
    }

    public SwitchableCaller Callers { get; } = new();

    public PkiTestHost Host { get; }

    public AuthorityRecord AcmeCa { get; private set; } = null!;

    public AuthorityRecord GlobexCa { get; private set; } = null!;

    public GovernanceHost(Action<PkiOptions>? configure = null) => Host = new PkiTestHost(configure, services: s => s.AddSingleton<ICallerAccessor>(Callers));

    public static async Task<GovernanceHost> CreateAsync(Action<PkiOptions>? configure = null)
    {
        var host = new GovernanceHost(configure);
        host.AcmeCa = await host.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "acme-ca", Organization = "acme", Subject = DistinguishedName.Create(commonName: "Acme CA") });
        host.GlobexCa = await host.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "globex-ca", Organization = "globex", Subject = DistinguishedName.Create(commonName: "Globex CA") });
        return host;
    }

    public T As<T>(PkiCaller caller, Func<T> action)
    {
        var previous = Callers.Caller;
        Callers.Caller = caller;
        try
        {
            return action();
        }
        finally
        {
            Callers.Caller = previous;
        }
    }

    public async Task<T> AsAsync<T>(PkiCaller caller, Func<Task<T>> action)
    {
        var previous = Callers.Caller;
        Callers.Caller = caller;
        try
        {
            return await action();
        }
        finally
        {
            Callers.Caller = previous;
        }
    }

    public static PkiCaller Member(string organization, PkiRoles roles = PkiRoles.None, IReadOnlyDictionary<string, PkiCapabilities>? capabilities = null) =>
        new() { Subject = organization + "-user", Organization = organization, Roles = roles, Capabilities = capabilities ?? new Dictionary<string, PkiCapabilities>() };

    public static string ClientCsr(string commonName = "device")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public void Dispose() => Host.Dispose();
}
