using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>The mapping between <see cref="StoredRequestToken"/> and a <c>pki_request_tokens</c> row.</summary>
internal static class RequestTokenRows
{
    public const string Columns =
        "id, name, authority_id, authority_name, common_name, organization, organizational_unit, validity_days, profile, "
        + "owner_organization, created_at, expires_at, state, redeemed_at, certificate_id, deleted_at";

    public static void AddParameters(NpgsqlCommand command, StoredRequestToken stored)
    {
        var token = stored.Token;
        command.AddText("id", token.Id);
        command.AddText("name", token.Name);
        command.AddText("authority_id", token.Authority.Id);
        command.AddText("authority_name", token.Authority.Name);
        command.AddText("common_name", token.CommonName);
        command.AddText("organization", token.Organization);
        command.AddText("organizational_unit", token.OrganizationalUnit);
        command.AddInteger("validity_days", token.ValidityDays);
        command.AddText("profile", token.Profile);
        command.AddText("owner_organization", token.OwnerOrganization);
        command.AddBigint("created_at", PostgreSqlTime.ToTicks(token.CreatedAt));
        command.AddBigint("expires_at", PostgreSqlTime.ToTicks(token.ExpiresAt));
        command.AddSmallint("state", (int)token.State);
        command.AddBigint("redeemed_at", PostgreSqlTime.ToTicks(token.RedeemedAt));
        command.AddText("certificate_id", token.CertificateId);
        command.AddBigint("deleted_at", PostgreSqlTime.ToTicks(token.DeletedAt));
        command.AddBytes("secret_hash", stored.SecretHash.Span);
    }

    /// <summary>Reads the current row (selected with <see cref="Columns"/>).</summary>
    public static RequestTokenRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.Text("id"),
        Name = reader.Text("name"),
        Authority = new AuthoritySummary(reader.Text("authority_id"), reader.Text("authority_name")),
        CommonName = reader.NullableText("common_name"),
        Organization = reader.NullableText("organization"),
        OrganizationalUnit = reader.NullableText("organizational_unit"),
        ValidityDays = reader.NullableInteger("validity_days"),
        Profile = reader.Text("profile"),
        OwnerOrganization = reader.NullableText("owner_organization"),
        CreatedAt = reader.Instant("created_at"),
        ExpiresAt = reader.Instant("expires_at"),
        State = (RequestTokenState)reader.Smallint("state"),
        RedeemedAt = reader.NullableInstant("redeemed_at"),
        CertificateId = reader.NullableText("certificate_id"),
        DeletedAt = reader.NullableInstant("deleted_at"),
    };
}
