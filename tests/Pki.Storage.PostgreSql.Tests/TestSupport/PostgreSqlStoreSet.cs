using Pki.Storage.Conformance;

namespace Pki.Storage.PostgreSql.Tests.TestSupport;

/// <summary>Every PostgreSQL store over one database.</summary>
internal static class PostgreSqlStoreSet
{
    public static TidyStores Over(PostgreSqlDatabase db) => new(
        new PostgreSqlCertificateStore(db), new PostgreSqlRequestTokenStore(db), new PostgreSqlRevocationStore(db), new PostgreSqlPrivateKeyStore(db), new PostgreSqlAuthorityStore(db));
}
