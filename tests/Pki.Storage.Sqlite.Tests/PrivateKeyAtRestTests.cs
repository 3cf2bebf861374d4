using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Pki.Core;
using Pki.Storage.Sqlite.Tests.TestSupport;

namespace Pki.Storage.Sqlite.Tests;

public sealed class PrivateKeyAtRestTests
{
    [Fact]
    public async Task No_table_holds_a_private_key_in_clear_only_the_engine_encrypted_blob()
    {
        using var file = new TempDatabase();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Imported Root,O=Acme Corp", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var caCertificate = request.CreateSelfSigned(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero));
        byte[] pkcs8 = caKey.ExportPkcs8PrivateKey();
        byte[] scalar = caKey.ExportParameters(includePrivateParameters: true).D!;
        byte[] leafPkcs8;

        using (var host = new SqlitePkiHost(file.ConnectionString, RandomNumberGenerator.GetBytes(32)))
        {
            var imported = await host.Authority.ImportAsync(new ImportAuthorityRequest
            {
                Name = "imported",
                CertificatePem = caCertificate.ExportCertificatePem(),
                PrivateKeyPem = caKey.ExportPkcs8PrivateKeyPem(),
            });
            await host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "generated", Subject = DistinguishedName.Create(commonName: "Generated Root") });
            var leaf = await host.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(imported.Id), Profile = CertificateProfiles.Server, CommonName = "svc.example.com" });
            using var leafKey = ECDsa.Create();
            leafKey.ImportFromPem(leaf.PrivateKeyPem);
            leafPkcs8 = leafKey.ExportPkcs8PrivateKey();
        }

        var secrets = new List<(string What, byte[] Bytes)>
        {
            ("PKCS#8 DER", pkcs8),
            ("private scalar", scalar),
            ("kept end-entity PKCS#8 DER", leafPkcs8),
            ("PKCS#8 base64", Encoding.ASCII.GetBytes(Convert.ToBase64String(pkcs8)[..40])),
            ("private scalar hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(scalar))),
            ("private scalar HEX", Encoding.ASCII.GetBytes(Convert.ToHexString(scalar))),
            ("PEM label", Encoding.ASCII.GetBytes("PRIVATE KEY")),
        };

        int keyRows = 0;
        using var connection = file.OpenRaw();
        foreach (string table in Tables(connection))
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\";";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (int column = 0; column < reader.FieldCount; column++)
                {
                    if (reader.IsDBNull(column))
                    {
                        continue;
                    }

                    byte[] cell = reader.GetValue(column) switch
                    {
                        byte[] blob => blob,
                        string text => Encoding.UTF8.GetBytes(text),
                        var other => Encoding.UTF8.GetBytes(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)!),
                    };
                    foreach (var (what, bytes) in secrets)
                    {
                        Assert.True(cell.AsSpan().IndexOf(bytes) < 0, $"{table}.{reader.GetName(column)} contains the {what}.");
                    }

                    if (table == "private_keys" && reader.GetName(column) == "protected_pkcs8")
                    {
                        keyRows++;
                        Assert.ThrowsAny<CryptographicException>(() => ECDsa.Create().ImportPkcs8PrivateKey(cell, out _));
                    }
                }
            }
        }

        // The imported CA's key, the generated root's key and the issued certificate's kept key (IncludePrivateKey):
        // all present, none readable.
        Assert.Equal(3, keyRows);
    }

    private static List<string> Tables(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
