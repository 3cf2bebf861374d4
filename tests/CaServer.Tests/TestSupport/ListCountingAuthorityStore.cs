using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;

namespace CaServer.Tests.TestSupport;

/// <summary>The server's authority store, counting how many listings (pages of <see cref="ListAsync"/>) were asked of it.</summary>
public sealed class ListCountingAuthorityStore(IAuthorityStore inner) : IAuthorityStore
{
    private int _lists;

    public int Lists => Volatile.Read(ref _lists);

    /// <summary>
    /// <paramref name="factory"/> with its authority store (the one the server registered) wrapped in a counting store;
    /// <see cref="Get"/> finds it once the server has started.
    /// </summary>
    public static WebApplicationFactory<Program> Wrap(WebApplicationFactory<Program> factory) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            var registered = services.Last(d => d.ServiceType == typeof(IAuthorityStore));
            services.Remove(registered);
            services.AddSingleton(sp => new ListCountingAuthorityStore(Resolve(registered, sp)));
            services.AddSingleton<IAuthorityStore>(sp => sp.GetRequiredService<ListCountingAuthorityStore>());
        }));

    /// <summary>The counting store of a server made by <see cref="Wrap"/>.</summary>
    public static ListCountingAuthorityStore Get(WebApplicationFactory<Program> server) => server.Services.GetRequiredService<ListCountingAuthorityStore>();

    private static IAuthorityStore Resolve(ServiceDescriptor registered, IServiceProvider services) =>
        registered.ImplementationInstance as IAuthorityStore
            ?? registered.ImplementationFactory?.Invoke(services) as IAuthorityStore
            ?? (IAuthorityStore)ActivatorUtilities.CreateInstance(services, registered.ImplementationType!);

    public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken) => inner.AddAsync(authority, cancellationToken);

    public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken) => inner.UpdateAsync(authority, cancellationToken);

    public ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken) =>
        inner.FindByNameAsync(name, organization, cancellationToken);

    public IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lists);
        return inner.ListAsync(query, cancellationToken);
    }
}
