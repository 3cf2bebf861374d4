using Npgsql;
using Pki.Core;

namespace Pki.Storage.PostgreSql;

/// <summary>A distinguished name as two parallel <c>text[]</c> columns (OIDs and values), in ASN.1 order.</summary>
internal static class DistinguishedNameColumns
{
    public static void AddSubject(this NpgsqlCommand command, DistinguishedName subject)
    {
        command.AddTextArray("subject_oids", subject.Components.Select(c => c.Oid));
        command.AddTextArray("subject_values", subject.Components.Select(c => c.Value));
    }

    public static DistinguishedName Subject(this NpgsqlDataReader reader)
    {
        string[] oids = reader.TextArray("subject_oids");
        string[] values = reader.TextArray("subject_values");
        return oids.Length == 0
            ? DistinguishedName.Empty
            : DistinguishedName.FromComponents(oids.Select((oid, i) => new DistinguishedNameComponent(oid, values[i])));
    }
}
