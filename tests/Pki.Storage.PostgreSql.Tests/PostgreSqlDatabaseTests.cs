using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.PostgreSql.Tests.TestSupport;

namespace Pki.Storage.PostgreSql.Tests;

/// <summary>Registration, migrations and what lies in the raw tables.</summary>
public sealed class PostgreSqlDatabaseTests(PostgreSqlDatabaseFixture fixture) : IClassFixture<PostgreSqlDatabaseFixture>
{
    [Fact]
    public void UsePostgreSql_replaces_every_in_memory_store_and_a_second_AddPki_does_not_bring_them_back()
    {
        var services = new ServiceCollection();
        services.AddPki().UsePostgreSql("Host=127.0.0.1;Database=pki");
        services.AddPki();

        var expected = new Dictionary<Type, Type>
        {
            [typeof(IAuthorityStore)] = typeof(PostgreSqlAuthorityStore),
            [typeof(ICertificateStore)] = typeof(PostgreSqlCertificateStore),
            [typeof(IPrivateKeyStore)] = typeof(PostgreSqlPrivateKeyStore),
            [typeof(IRequestTokenStore)] = typeof(PostgreSqlRequestTokenStore),
            [typeof(IRevocationStore)] = typeof(PostgreSqlRevocationStore),
            [typeof(IAuditStore)] = typeof(PostgreSqlAuditStore),
        };
        using var provider = services.BuildServiceProvider();
        foreach (var (contract, implementation) in expected)
        {
            Assert.Single(services, d => d.ServiceType == contract);
            Assert.IsType(implementation, provider.GetRequiredService(contract));
        }
    }

    [Fact]
    public void UsePostgreSql_without_a_fixed_key_encryption_key_fails_start_up_naming_the_store()
    {
        var services = new ServiceCollection();
        services.AddPki().UsePostgreSql("Host=127.0.0.1;Database=pki");
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PkiOptions>>().Value);
        Assert.Contains("KeyEncryptionKey must be set", failure.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL (UsePostgreSql)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgreSql_rejects_a_malformed_connection_string_at_registration()
    {
        var builder = new ServiceCollection().AddPki();

        Assert.ThrowsAny<ArgumentException>(() => builder.UsePostgreSql("Hostt=x;;=;"));
        Assert.ThrowsAny<ArgumentException>(() => builder.UsePostgreSql(" "));
    }

    [Fact]
    public async Task Hosts_starting_together_apply_every_migration_exactly_once()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        var hosts = Enumerable.Range(0, 8).Select(_ => new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), schema: null, ownsDataSource: true)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.EnsureMigratedAsync(CancellationToken.None))));

            await using var lease = await hosts[0].OpenAsync(CancellationToken.None);
            await using var command = new NpgsqlCommand("SELECT version FROM pki_schema_migrations ORDER BY version", lease.Connection);
            var versions = new List<int>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    versions.Add(reader.GetInt32(0));
                }
            }

            Assert.Equal(Migrations.PostgreSqlMigration.All.Select(m => m.Version), versions);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_version_is_refused()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using (var current = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), null, ownsDataSource: true))
        await using (var lease = await current.OpenAsync(CancellationToken.None))
        await using (var command = new NpgsqlCommand("INSERT INTO pki_schema_migrations (version, name) VALUES (1000, 'from the future')", lease.Connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        await using var older = new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), null, ownsDataSource: true);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => older.EnsureMigratedAsync(CancellationToken.None));
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_raw_private_key_table_holds_no_private_key_in_clear()
    {
        string connectionString = await fixture.NewSchemaConnectionStringAsync();
        await using var host = new PkiHost(connectionString);
        var ca = await host.CreateIssuingCaAsync("Raw");
        var issued = await host.IssueAsync(ca, "raw.example.com");
        Assert.NotNull(issued.PrivateKeyPem);
        byte[] clearPkcs8 = PemEncodingDer(issued.PrivateKeyPem);

        var rows = new List<byte[]>();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand("SELECT protected_pkcs8 FROM pki_private_keys"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetFieldValue<byte[]>(0));
            }
        }

        Assert.True(rows.Count >= 2, "The root and the issuing CA keys should be stored.");
        foreach (byte[] blob in rows)
        {
            Assert.Equal(-1, blob.AsSpan().IndexOf(clearPkcs8));
            Assert.Equal(-1, blob.AsSpan().IndexOf(clearPkcs8.AsSpan(clearPkcs8.Length - 32)));
            Assert.False(IsClearPkcs8(blob), "A stored key parses as an unencrypted PKCS#8 private key.");
        }
    }

    private static byte[] PemEncodingDer(string pem)
    {
        var fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private static bool IsClearPkcs8(byte[] blob)
    {
        foreach (var algorithm in new Func<AsymmetricAlgorithm>[] { ECDsa.Create, RSA.Create })
        {
            using var key = algorithm();
            try
            {
                key.ImportPkcs8PrivateKey(blob, out _);
                return true;
            }
            catch (CryptographicException)
            {
            }
        }

        return false;
    }

    [Fact]
    public async Task A_connection_string_password_appears_in_no_error_or_object_text()
    {
        const string password = "Pg-Pw-5e0b8c3a1d7f42";
        string withPassword = new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Password = password }.ConnectionString;
        var texts = new List<string>();

        // The whole flow over a connection string with a password (the test cluster trusts local connections).
        var services = new ServiceCollection();
        services.AddPki(options => options.KeyEncryptionKey = RandomNumberGenerator.GetBytes(32)).UsePostgreSql(withPassword);
        await using (var provider = services.BuildServiceProvider())
        {
            var database = provider.GetRequiredService<PostgreSqlDatabase>();
            texts.AddRange([database.ToString()!, database.DataSource.ToString()!, database.DataSource.ConnectionString]);
            var authority = provider.GetRequiredService<ICertificateAuthority>();
            var root = await authority.CreateRootAsync(new CreateRootAuthorityRequest
            {
                Name = "pw-root-" + Guid.NewGuid().ToString("N"), Subject = DistinguishedName.Create(commonName: "Pw Root"), KeyAlgorithm = KeyAlgorithm.EcdsaP256,
            });
            texts.Add(root.ToString());
            texts.Add((await authority.IssueAsync(new IssueCertificateRequest
            {
                Authority = CaReference.ById(root.Id), Profile = CertificateProfiles.Server, CommonName = "pw.example.com", ValidityDays = 30,
            })).ToString());
        }

        // Refusals: malformed strings and a server that is not there.
        // A password with an unquoted ';' splits: its second half reads as a keyword, which the parser's error would name.
        const string tail = "Half5e0b8c3a1d7f";
        foreach (string bad in new[]
        {
            withPassword + ";Port=notaport", withPassword + ";Bogus=1", withPassword + ";Timeout=" + password,
            "Host=127.0.0.1;Password=Pg;" + tail + "=1", "Host=127.0.0.1;Password=Pg;" + tail + ";Database=x",
        })
        {
            texts.Add(Pki.Storage.Conformance.ExceptionText.Describe(Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddPki().UsePostgreSql(bad))));
        }

        string closed = new NpgsqlConnectionStringBuilder(withPassword) { Port = Pki.Storage.PostgreSql.TestSupport.PostgreSqlTools.FreePort(), Timeout = 2 }.ConnectionString;
        var offline = new ServiceCollection();
        offline.AddPki(options => options.KeyEncryptionKey = RandomNumberGenerator.GetBytes(32)).UsePostgreSql(closed);
        await using (var provider = offline.BuildServiceProvider())
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => provider.GetRequiredService<ICertificateAuthority>().GetAsync(CaReference.ByName("x")).AsTask());
            texts.Add(Pki.Storage.Conformance.ExceptionText.Describe(error));
        }

        Assert.All(texts, text => Assert.DoesNotContain(password, text, StringComparison.OrdinalIgnoreCase));
        Assert.All(texts, text => Assert.DoesNotContain(tail, text, StringComparison.OrdinalIgnoreCase));
    }
}
