using Microsoft.Extensions.DependencyInjection;

namespace Pki.Core.DependencyInjection;

internal sealed class PkiBuilder(IServiceCollection services) : IPkiBuilder
{
    public IServiceCollection Services { get; } = services;
}
