using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>Puts every Pki.Core store into one SQLite database file: <c>services.AddPki(…).UseSqlite("Data Source=pki.db")</c>.</summary>
public static class SqlitePkiBuilderExtensions
{
    /// <summary>
    /// Replaces the in-memory stores with durable SQLite stores in the database file named by
    /// <paramref name="connectionString"/> (a Microsoft.Data.Sqlite connection string such as <c>Data Source=pki.db</c>).
    /// </summary>
    /// <remarks>
    /// <para>The file is created when missing and its schema created or upgraded by versioned migrations on first use; the
    /// database runs in WAL mode with foreign keys on. Several processes may share the file: writes serialize on the
    /// database's write lock (see <see cref="SqliteStorageOptions.BusyTimeout"/>).</para>
    /// <para>The stores replace whatever <c>AddPki</c> (or an earlier registration) put in place, whichever was called
    /// first. Private keys reach the database only as encrypted by the engine, so a fixed
    /// <c>PkiOptions.KeyEncryptionKey</c> is required: start-up fails without one (options validation), because keys
    /// stored under a random per-process key could not be used after a restart.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionString"/> is null.</exception>
    /// <exception cref="ArgumentException">The connection string is malformed or names an in-memory database (each
    /// connection would see its own empty database).</exception>
    public static IPkiBuilder UseSqlite(this IPkiBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, static _ => { });

    /// <summary>
    /// Replaces the in-memory stores with durable SQLite stores in the database file named by
    /// <paramref name="connectionString"/>, with settings from <paramref name="configure"/>.
    /// </summary>
    /// <remarks>See <see cref="UseSqlite(IPkiBuilder, string)"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The connection string is malformed or names an in-memory database.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SqliteStorageOptions.BusyTimeout"/> is negative or too large.</exception>
    public static IPkiBuilder UseSqlite(this IPkiBuilder builder, string connectionString, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new SqliteStorageOptions();
        configure(options);
        var settings = SqliteDatabase.Settings(connectionString, options);

        var services = builder.Services;
        Replace(services, ServiceDescriptor.Singleton(_ => new SqliteDatabase(settings)));
        Replace(services, ServiceDescriptor.Singleton<IAuthorityStore>(sp => new SqliteAuthorityStore(sp.GetRequiredService<SqliteDatabase>())));
        Replace(services, ServiceDescriptor.Singleton<ICertificateStore>(sp => new SqliteCertificateStore(sp.GetRequiredService<SqliteDatabase>())));
        Replace(services, ServiceDescriptor.Singleton<IPrivateKeyStore>(sp => new SqlitePrivateKeyStore(sp.GetRequiredService<SqliteDatabase>())));
        Replace(services, ServiceDescriptor.Singleton<IRequestTokenStore>(sp => new SqliteRequestTokenStore(sp.GetRequiredService<SqliteDatabase>())));
        Replace(services, ServiceDescriptor.Singleton<IAuditStore>(sp => new SqliteAuditStore(sp.GetRequiredService<SqliteDatabase>())));
        Replace(services, ServiceDescriptor.Singleton<IRevocationStore>(sp => new SqliteRevocationStore(sp.GetRequiredService<SqliteDatabase>())));
        Replace(services, ServiceDescriptor.Singleton<IDurablePkiStorage>(new DurablePkiStorage("SQLite (UseSqlite)")));
        return builder;
    }

    private static void Replace(IServiceCollection services, ServiceDescriptor descriptor)
    {
        services.RemoveAll(descriptor.ServiceType);
        services.Add(descriptor);
    }
}
