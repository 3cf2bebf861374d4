using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>An <see cref="IAuthorityStore"/> on the <c>authorities</c> table; names are unique per organization by index.</summary>
internal sealed class SqliteAuthorityStore(SqliteDatabase database) : IAuthorityStore
{
    private const string Columns =
        "id, name, organization, parent_id, is_root, subject, certificate_pem, key_algorithm, key_id, serial_number, not_before, "
        + "not_after, subject_key_identifier, fingerprint_sha256, path_length_constraint, name_constraints, status, "
        + "crl_distribution_point, ocsp_responder, ca_issuers, created_at, alternative_key_algorithm, alternative_key_id, "
        + "delta_crl_distribution_point";

    private const string Insert =
        "INSERT INTO authorities (" + Columns + ") VALUES (@id, @name, @organization, @parent_id, @is_root, @subject, "
        + "@certificate_pem, @key_algorithm, @key_id, @serial_number, @not_before, @not_after, @subject_key_identifier, "
        + "@fingerprint_sha256, @path_length_constraint, @name_constraints, @status, @crl_distribution_point, @ocsp_responder, "
        + "@ca_issuers, @created_at, @alternative_key_algorithm, @alternative_key_id, @delta_crl_distribution_point);";

    private const string Update =
        "UPDATE authorities SET name = @name, organization = @organization, parent_id = @parent_id, is_root = @is_root, "
        + "subject = @subject, certificate_pem = @certificate_pem, key_algorithm = @key_algorithm, key_id = @key_id, "
        + "serial_number = @serial_number, not_before = @not_before, not_after = @not_after, "
        + "subject_key_identifier = @subject_key_identifier, fingerprint_sha256 = @fingerprint_sha256, "
        + "path_length_constraint = @path_length_constraint, name_constraints = @name_constraints, status = @status, "
        + "crl_distribution_point = @crl_distribution_point, ocsp_responder = @ocsp_responder, ca_issuers = @ca_issuers, "
        + "created_at = @created_at, alternative_key_algorithm = @alternative_key_algorithm, "
        + "alternative_key_id = @alternative_key_id, delta_crl_distribution_point = @delta_crl_distribution_point WHERE id = @id;";

    private const string SelectById = "SELECT " + Columns + " FROM authorities WHERE id = @id;";

    private const string SelectByName = "SELECT " + Columns + " FROM authorities WHERE organization = @organization AND name = @name;";

    private const string SelectByNameWithoutOrganization = "SELECT " + Columns + " FROM authorities WHERE organization IS NULL AND name = @name;";

    public ValueTask AddAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        StoreInputRules.ThrowIfNotStorable(authority);
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Bind(Sql.Command(connection, transaction, Insert), authority);
                try
                {
                    await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (SqliteErrors.IsUniqueViolation(ex))
                {
                    throw new PkiException(PkiErrorCode.Conflict, $"A CA with id '{authority.Id}' or name '{authority.Name}' already exists.", ex);
                }
            },
            cancellationToken);
    }

    public ValueTask UpdateAsync(AuthorityRecord authority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        StoreInputRules.ThrowIfNotStorable(authority);
        return database.WriteAsync(
            async (connection, transaction, token) =>
            {
                using var command = Bind(Sql.Command(connection, transaction, Update), authority);
                int updated;
                try
                {
                    updated = await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (SqliteErrors.IsUniqueViolation(ex))
                {
                    throw new PkiException(PkiErrorCode.Conflict, $"A CA named '{authority.Name}' already exists.", ex);
                }

                if (updated == 0)
                {
                    throw new PkiException(PkiErrorCode.AuthorityNotFound, $"CA '{authority.Id}' does not exist.");
                }
            },
            cancellationToken);
    }

    public async ValueTask<AuthorityRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StoreInputRules.IsStorable(id))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Sql.Command(connection, null, SelectById).With("@id", id);
        return await Sql.ReadSingleAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AuthorityRecord?> FindByNameAsync(string name, string? organization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!StoreInputRules.IsStorable(name) || !StoreInputRules.IsStorable(organization))
        {
            return null;
        }

        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = organization is null
            ? Sql.Command(connection, null, SelectByNameWithoutOrganization).With("@name", name)
            : Sql.Command(connection, null, SelectByName).With("@name", name).With("@organization", organization);
        return await Sql.ReadSingleAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuthorityRecord> ListAsync(AuthorityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no record matches
        if (!StoreInputRules.CanMatch(query))
        {
            yield break;
        }
        List<AuthorityRecord> page;
        using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            // Only constant fragments are appended; every value is a parameter.
            var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM authorities WHERE 1 = 1");
            using var command = Sql.Command(connection, null, string.Empty);
            command.AndIfSet(sql, "organization = @organization", "@organization", query.Organization);
            command.AndIfSet(sql, "parent_id = @parent_id", "@parent_id", query.ParentId);
            command.AndIfSet(sql, "id > @after", "@after", query.After);

            sql.Append(" ORDER BY id LIMIT @limit;");
            command.With("@limit", Math.Max(0, query.Limit));
            command.SetText(sql.ToString());
            page = await Sql.ReadListAsync(command, Read, cancellationToken).ConfigureAwait(false);
        }

        foreach (var authority in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return authority;
        }
    }

    private static SqliteCommand Bind(SqliteCommand command, AuthorityRecord authority) => command
        .With("@id", authority.Id)
        .With("@name", authority.Name)
        .With("@organization", authority.Organization)
        .With("@parent_id", authority.ParentId)
        .With("@is_root", authority.IsRoot ? 1 : 0)
        .With("@subject", JsonColumns.WriteName(authority.Subject))
        .With("@certificate_pem", authority.CertificatePem)
        .With("@key_algorithm", (int)authority.KeyAlgorithm)
        .With("@key_id", authority.KeyId)
        .With("@serial_number", authority.SerialNumber.Bytes.ToArray())
        .With("@not_before", Sql.Ticks(authority.NotBefore))
        .With("@not_after", Sql.Ticks(authority.NotAfter))
        .With("@subject_key_identifier", authority.SubjectKeyIdentifier)
        .With("@fingerprint_sha256", authority.FingerprintSha256)
        .With("@path_length_constraint", authority.PathLengthConstraint)
        .With("@name_constraints", JsonColumns.WriteNameConstraints(authority.NameConstraints))
        .With("@status", (int)authority.Status)
        .With("@crl_distribution_point", authority.CrlDistributionPoint?.OriginalString)
        .With("@ocsp_responder", authority.OcspResponder?.OriginalString)
        .With("@ca_issuers", authority.CaIssuers?.OriginalString)
        .With("@created_at", Sql.Ticks(authority.CreatedAt))
        .With("@alternative_key_algorithm", (int?)authority.AlternativeKeyAlgorithm)
        .With("@alternative_key_id", authority.AlternativeKeyId)
        .With("@delta_crl_distribution_point", authority.DeltaCrlDistributionPoint?.OriginalString);

    private static AuthorityRecord Read(SqliteDataReader row) => new()
    {
        Id = row.GetString(0),
        Name = row.GetString(1),
        Organization = row.NullableString(2),
        ParentId = row.NullableString(3),
        IsRoot = row.GetInt64(4) != 0,
        Subject = JsonColumns.ReadName(row.GetString(5)),
        CertificatePem = row.GetString(6),
        KeyAlgorithm = (KeyAlgorithm)row.GetInt32(7),
        KeyId = row.GetString(8),
        SerialNumber = SerialNumber.FromBytes(row.Bytes(9)),
        NotBefore = row.Instant(10),
        NotAfter = row.Instant(11),
        SubjectKeyIdentifier = row.GetString(12),
        FingerprintSha256 = row.GetString(13),
        PathLengthConstraint = row.NullableInt32(14),
        NameConstraints = JsonColumns.ReadNameConstraints(row.NullableString(15)),
        Status = (AuthorityStatus)row.GetInt32(16),
        CrlDistributionPoint = row.NullableUri(17),
        OcspResponder = row.NullableUri(18),
        CaIssuers = row.NullableUri(19),
        CreatedAt = row.Instant(20),
        AlternativeKeyAlgorithm = (KeyAlgorithm?)row.NullableInt32(21),
        AlternativeKeyId = row.NullableString(22),
        DeltaCrlDistributionPoint = row.NullableUri(23),
    };
}
