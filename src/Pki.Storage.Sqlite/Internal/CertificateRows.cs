using Microsoft.Data.Sqlite;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// The <c>certificates</c> table: the column list, the insert (shared by the certificate store and token redemption,
/// so both enforce the same uniqueness rules) and the mapping back to <see cref="CertificateRecord"/>.
/// </summary>
internal static class CertificateRows
{
    public const string Columns =
        "id, authority_id, authority_name, serial_number, fingerprint_sha256, owner_organization, status, type, issued_on, "
        + "expires_on, revoked_at, token_id, name, private_key_id, subject, subject_alternative_names, certificate_pem, csr, "
        + "validity_days, subject_key_identifier, signature_algorithm, profile, public_key_algorithm, public_key_size, "
        + "revocation_reason, invalidity_date, revocation_comment, status_changed_at";

    private const int ColumnCount = 28;

    /// <summary>
    /// The insert, conditional on every CA of the issuer's chain being active (<c>status = 1</c>): the writer runs it in
    /// its transaction, so no status change comes between the check and the insert.
    /// </summary>
    private static readonly string Insert =
        "INSERT INTO certificates (" + Columns + ") SELECT " + PreparedStatement.Placeholders(ColumnCount)
        + " WHERE NOT EXISTS (" + IssuerChain("?2") + "SELECT 1 FROM chain WHERE status <> 1);";

    private static readonly string InactiveIssuer = IssuerChain("@authority_id") + "SELECT id FROM chain WHERE status <> 1 ORDER BY depth LIMIT 1;";

    private const string IdTaken = "SELECT EXISTS (SELECT 1 FROM certificates WHERE id = @id);";

    /// <summary>The CAs from the one with id <paramref name="idParameter"/> upwards (a certificate's issuer and the CAs above it held here).</summary>
    private static string IssuerChain(string idParameter) =>
        "WITH RECURSIVE chain(id, parent_id, status, depth) AS ("
        + "SELECT id, parent_id, status, 1 FROM authorities WHERE id = " + idParameter + " "
        + "UNION SELECT a.id, a.parent_id, a.status, c.depth + 1 FROM authorities a JOIN chain c ON a.id = c.parent_id "
        + "WHERE c.depth < " + CertificateRecordRules.MaximumIssuerChainDepth.ToString(System.Globalization.CultureInfo.InvariantCulture) + ") ";

    /// <summary>
    /// The values of <paramref name="record"/>'s row in <see cref="Columns"/> order, encoded on the caller's thread so that
    /// the writer only binds them (<see cref="InsertAsync"/>). The stores check the record first
    /// (<see cref="CertificateRecordRules.ThrowIfIncomplete"/>).
    /// </summary>
    public static SqlValue[] Encode(CertificateRecord record) =>
        [
            SqlValue.Text(record.Id),
            SqlValue.Text(record.CertificateAuthority.Id),
            SqlValue.Text(record.CertificateAuthority.Name),
            SqlValue.Blob(record.SerialNumber.Bytes),
            SqlValue.Text(record.FingerprintSha256),
            SqlValue.Text(record.OwnerOrganization),
            SqlValue.Integer((int)record.Status),
            SqlValue.Integer((int)record.Type),
            SqlValue.Integer(Sql.Ticks(record.IssuedOn)),
            SqlValue.Integer(Sql.Ticks(record.ExpiresOn)),
            SqlValue.Integer(Sql.Ticks(record.RevokedAt)),
            SqlValue.Text(record.TokenId),
            SqlValue.Text(record.Name),
            SqlValue.Text(record.PrivateKeyId),
            SqlValue.Text(JsonColumns.WriteName(record.Subject)),
            SqlValue.Text(JsonColumns.WriteAlternativeNames(record.SubjectAlternativeNames)),
            SqlValue.Text(record.CertificatePem),
            SqlValue.Text(record.Csr),
            SqlValue.Integer(record.ValidityDays),
            SqlValue.Text(record.SubjectKeyIdentifier),
            SqlValue.Text(record.SignatureAlgorithm),
            SqlValue.Text(record.Profile),
            SqlValue.Text(record.PublicKeyAlgorithm),
            SqlValue.Integer(record.PublicKeySize),
            SqlValue.Integer((int?)record.RevocationReason),
            SqlValue.Integer(Sql.Ticks(record.InvalidityDate)),
            SqlValue.Text(record.RevocationComment),
            SqlValue.Integer(Sql.Ticks(record.StatusChangedAt)),
        ];

    /// <summary>Inserts <paramref name="record"/>, encoded as <paramref name="row"/> (<see cref="Encode"/>), inside <paramref name="transaction"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.DuplicateSerialNumber"/> when the CA already has the serial
    /// number (the unique index decides); <see cref="PkiErrorCode.Conflict"/> when the id exists;
    /// <see cref="PkiErrorCode.AuthorityUnavailable"/> when the issuing CA or one above it is not active.</exception>
    public static async ValueTask InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, CertificateRecord record, SqlValue[] row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            if (Sql.Execute(connection, Insert, row) == 0)
            {
                using var probe = Sql.Command(connection, transaction, InactiveIssuer)
                    .With("@authority_id", record.CertificateAuthority.Id);
                string inactive = await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? record.CertificateAuthority.Id;
                throw CertificateRecordRules.IssuerNotActive(record.CertificateAuthority.Id, inactive);
            }
        }
        catch (SqliteException ex) when (SqliteErrors.IsUniqueViolation(ex))
        {
            // A failed statement leaves the transaction open; ask which rule refused the row (the id first, as the contract orders them).
            using var probe = Sql.Command(connection, transaction, IdTaken).With("@id", record.Id);
            bool idTaken = Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) != 0;
            throw idTaken
                ? new PkiException(PkiErrorCode.Conflict, $"A certificate with id '{record.Id}' already exists.", ex)
                : new PkiException(PkiErrorCode.DuplicateSerialNumber,
                    $"CA '{record.CertificateAuthority.Id}' already has a certificate with serial number {record.SerialNumberHex}.", ex);
        }
    }

    /// <summary>Maps a row selected with <see cref="Columns"/>.</summary>
    public static CertificateRecord Read(SqliteDataReader row) => new()
    {
        Id = row.GetString(0),
        CertificateAuthority = new AuthoritySummary(row.GetString(1), row.GetString(2)),
        SerialNumber = SerialNumber.FromBytes(row.Bytes(3)),
        FingerprintSha256 = row.GetString(4),
        OwnerOrganization = row.NullableString(5),
        Status = (CertificateStatus)row.GetInt32(6),
        Type = (CertificateType)row.GetInt32(7),
        IssuedOn = row.Instant(8),
        ExpiresOn = row.Instant(9),
        RevokedAt = row.NullableInstant(10),
        TokenId = row.NullableString(11),
        Name = row.NullableString(12),
        PrivateKeyId = row.NullableString(13),
        Subject = JsonColumns.ReadName(row.GetString(14)),
        SubjectAlternativeNames = JsonColumns.ReadAlternativeNames(row.GetString(15)),
        CertificatePem = row.GetString(16),
        Csr = row.NullableString(17),
        ValidityDays = row.GetInt32(18),
        SubjectKeyIdentifier = row.GetString(19),
        SignatureAlgorithm = row.GetString(20),
        Profile = row.GetString(21),
        PublicKeyAlgorithm = row.GetString(22),
        PublicKeySize = row.GetInt32(23),
        RevocationReason = (RevocationReason?)row.NullableInt32(24),
        InvalidityDate = row.NullableInstant(25),
        RevocationComment = row.NullableString(26),
        StatusChangedAt = row.NullableInstant(27),
    };
}
