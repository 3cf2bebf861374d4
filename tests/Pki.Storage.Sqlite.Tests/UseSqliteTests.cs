using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

public sealed class UseSqliteTests : IDisposable
{
    private readonly TempDatabase _file = new();

    [Fact]
    public void UseSqlite_replaces_every_in_memory_store_and_a_later_AddPki_does_not_undo_it()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAuthorityStore>(_ => throw new InvalidOperationException("registered before AddPki; must be replaced"));
        services.AddPki().UseSqlite(_file.ConnectionString);
        services.AddPki();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.IsType<SqliteAuthorityStore>(provider.GetRequiredService<IAuthorityStore>());
        Assert.IsType<SqliteCertificateStore>(provider.GetRequiredService<ICertificateStore>());
        Assert.IsType<SqlitePrivateKeyStore>(provider.GetRequiredService<IPrivateKeyStore>());
        Assert.IsType<SqliteRequestTokenStore>(provider.GetRequiredService<IRequestTokenStore>());
        Assert.IsType<SqliteAuditStore>(provider.GetRequiredService<IAuditStore>());
        Assert.IsType<SqliteRevocationStore>(provider.GetRequiredService<IRevocationStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IAuthorityStore));
        Assert.Single(services, d => d.ServiceType == typeof(IRevocationStore));
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=pki;Mode=Memory;Cache=Shared")]
    [InlineData("")]
    [InlineData("Data Source=pki.db;Mode=ReadOnly")]
    [InlineData("Data Source=pki.db;NoSuchKeyword=1")]
    [InlineData("Data Source=file::memory:")]                              // SQLite URI filenames say the same in their own way
    [InlineData("Data Source=file:pki?mode=memory&cache=shared")]
    [InlineData("Data Source=FILE:/var/lib/pki.db?cache=private&MODE=ro")]
    [InlineData("Data Source=file:/var/lib/pki.db?immutable=1")]
    [InlineData("Data Source=/var/lib/pki.db;Vfs=memdb")]                   // Microsoft.Data.Sqlite's own keyword: in memory
    [InlineData("Data Source=/var/lib/pki.db;Vfs=unix-none")]               // no file locks for the other processes
    [InlineData("Data Source=file:/var/lib/pki.db?vfs=unix-none")]
    public void UseSqlite_refuses_connection_strings_it_cannot_keep_data_in(string connectionString)
    {
        var builder = new ServiceCollection().AddPki();
        Assert.ThrowsAny<ArgumentException>(() => builder.UseSqlite(connectionString));
    }

    [Fact]
    public void UseSqlite_refuses_a_negative_busy_timeout()
    {
        var builder = new ServiceCollection().AddPki();
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseSqlite(_file.ConnectionString, o => o.BusyTimeout = TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void UseSqlite_without_a_fixed_key_encryption_key_fails_start_up_naming_the_store()
    {
        var services = new ServiceCollection();
        services.AddPki().UseSqlite(_file.ConnectionString);
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PkiOptions>>().Value);
        Assert.Contains("KeyEncryptionKey must be set", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite (UseSqlite)", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_file.FilePath)); // refused before anything was written
    }

    [Fact]
    public void UseSqlite_with_a_fixed_key_encryption_key_starts()
    {
        var services = new ServiceCollection();
        services.AddPki(options => options.KeyEncryptionKey = new byte[32]).UseSqlite(_file.ConnectionString);
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PkiOptions>>().Value.KeyEncryptionKey);
        Assert.Single(provider.GetServices<IDurablePkiStorage>());
    }

    [Fact]
    public async Task A_connection_string_password_appears_in_no_settings_text_or_error()
    {
        const string password = "Sq1ite-Pw-7c1f0e2d9b5a";
        string withPassword = _file.ConnectionString + ";Password=" + password;
        var texts = new List<string> { SqliteDatabase.Settings(withPassword, new SqliteStorageOptions()).ToString() };
        // A password with an unquoted ';' splits: its second half reads as a keyword, which the parser's error would name.
        const string tail = "Half4d2e9a7c0b1f";
        foreach (string bad in new[]
        {
            "Data Source=:memory:;Password=" + password, withPassword + ";Mode=ReadOnly", withPassword + ";Bogus", withPassword + ";Pasword=" + password,
            "Password=" + password, withPassword + ";Mode=" + password, _file.ConnectionString + ";Password=Pw;" + tail + "=1",
        })
        {
            texts.Add(Pki.Storage.Conformance.ExceptionText.Describe(Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddPki().UseSqlite(bad))));
        }

        // The bundled SQLite has no encryption: the first operation fails, and its error must not carry the password either.
        var services = new ServiceCollection();
        services.AddPki(options => options.KeyEncryptionKey = new byte[32]).UseSqlite(withPassword);
        using (var provider = services.BuildServiceProvider())
        {
            try
            {
                await provider.GetRequiredService<ICertificateAuthority>().CreateRootAsync(new CreateRootAuthorityRequest
                {
                    Name = "Root", Subject = DistinguishedName.Create(commonName: "Root"), KeyAlgorithm = KeyAlgorithm.EcdsaP256,
                });
            }
            catch (Exception e)
            {
                texts.Add(Pki.Storage.Conformance.ExceptionText.Describe(e));
            }
        }

        Assert.All(texts, text => Assert.DoesNotContain(password, text, StringComparison.OrdinalIgnoreCase));
        Assert.All(texts, text => Assert.DoesNotContain(tail, text, StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => _file.Dispose();
}
