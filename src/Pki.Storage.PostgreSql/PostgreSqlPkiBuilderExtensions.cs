using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>Stores Pki.Core's state in PostgreSQL.</summary>
public static class PostgreSqlPkiBuilderExtensions
{
    /// <summary>
    /// Replaces the in-memory stores registered by <c>AddPki</c> (<see cref="IAuthorityStore"/>, <see cref="ICertificateStore"/>,
    /// <see cref="IPrivateKeyStore"/>, <see cref="IRequestTokenStore"/>, <see cref="IRevocationStore"/>, <see cref="IAuditStore"/>)
    /// with stores in one PostgreSQL database, so that several hosts can share it. The schema is created and upgraded by
    /// versioned migrations before the first store operation; concurrent start-ups apply each migration once.
    /// </summary>
    /// <param name="builder">The builder <c>AddPki</c> returned.</param>
    /// <param name="connectionString">
    /// An Npgsql connection string, for example <c>Host=db;Database=pki;Username=pki;Password=…</c>. Connections are pooled
    /// (<c>Maximum Pool Size</c>, default 100, per host). The tables go into the first schema of the search path
    /// (<c>Search Path=pki</c> to choose one; the schema must exist).
    /// </param>
    /// <returns><paramref name="builder"/>, to chain calls.</returns>
    /// <remarks>
    /// The data source is created when a store is first resolved and disposed with the service provider. Database errors
    /// other than the conflicts the store contracts document surface as <see cref="NpgsqlException"/>; a failed or cancelled
    /// operation leaves nothing half-written.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionString"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid Npgsql connection string.</exception>
    public static IPkiBuilder UsePostgreSql(this IPkiBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString); // validate now, not at first use
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            // Neither Npgsql's message nor the exception itself: they quote keywords and values, and a password with an
            // unquoted ';' or in the wrong keyword would be quoted with them.
            throw new ArgumentException(
                "The PostgreSQL connection string is malformed: an unknown keyword, a value of the wrong type, or a ';' or '=' that needs quoting (its values are not repeated here as they may hold a password).",
                nameof(connectionString));
        }

        var services = builder.Services;
        services.RemoveAll<PostgreSqlDatabase>();
        services.AddSingleton(_ => new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), schema: null, ownsDataSource: true));
        Replace<IAuthorityStore>(services, db => new PostgreSqlAuthorityStore(db));
        Replace<ICertificateStore>(services, db => new PostgreSqlCertificateStore(db));
        Replace<IPrivateKeyStore>(services, db => new PostgreSqlPrivateKeyStore(db));
        Replace<IRequestTokenStore>(services, db => new PostgreSqlRequestTokenStore(db));
        Replace<IRevocationStore>(services, db => new PostgreSqlRevocationStore(db));
        Replace<IAuditStore>(services, db => new PostgreSqlAuditStore(db));
        services.Replace(ServiceDescriptor.Singleton<IDurablePkiStorage>(new DurablePkiStorage("PostgreSQL (UsePostgreSql)")));
        return builder;
    }

    private static void Replace<TStore>(IServiceCollection services, Func<PostgreSqlDatabase, TStore> create)
        where TStore : class
    {
        services.RemoveAll<TStore>();
        services.AddSingleton(provider => create(provider.GetRequiredService<PostgreSqlDatabase>()));
    }
}
