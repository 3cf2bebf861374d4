using Microsoft.Extensions.DependencyInjection;

namespace Pki.Core;

/// <summary>Returned by <c>AddPki</c> so storage providers and other add-ons chain: <c>services.AddPki(…).UseSqlite(…)</c>.</summary>
public interface IPkiBuilder
{
    /// <summary>The service collection Pki.Core was added to.</summary>
    IServiceCollection Services { get; }
}
