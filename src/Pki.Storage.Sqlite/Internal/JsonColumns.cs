using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pki.Core;

namespace Pki.Storage.Sqlite;

/// <summary>
/// The structured values kept as JSON text: distinguished names (attribute OID and value pairs in ASN.1 order), subject
/// alternative names (each list in order; IP addresses as text, URIs as their original string) and name constraints.
/// Every round-trip is exact: what is read back equals what was written.
/// </summary>
internal static class JsonColumns
{
    // Keeps non-ASCII text (Zürich) readable in the database; the JSON never ends up in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string WriteName(DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var component in name.Components)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(component.Oid);
                writer.WriteStringValue(component.Value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        });
    }

    public static DistinguishedName ReadName(string json)
    {
        using var document = JsonDocument.Parse(json);
        var components = new List<DistinguishedNameComponent>();
        foreach (var pair in document.RootElement.EnumerateArray())
        {
            components.Add(new DistinguishedNameComponent(pair[0].GetString()!, pair[1].GetString()!));
        }

        return components.Count == 0 ? DistinguishedName.Empty : DistinguishedName.FromComponents(components);
    }

    public static string WriteAlternativeNames(SubjectAlternativeNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return Write(writer =>
        {
            writer.WriteStartObject();
            WriteList(writer, "dns", names.DnsNames);
            WriteList(writer, "ip", names.IpAddresses.Select(a => a.ToString()));
            WriteList(writer, "email", names.EmailAddresses);
            WriteList(writer, "uri", names.Uris.Select(u => u.OriginalString));
            writer.WriteEndObject();
        });
    }

    public static SubjectAlternativeNames ReadAlternativeNames(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.EnumerateObject().Any())
        {
            return SubjectAlternativeNames.None;
        }

        return new SubjectAlternativeNames(
            ReadList(root, "dns"),
            ReadList(root, "ip").Select(IPAddress.Parse),
            ReadList(root, "email"),
            ReadList(root, "uri").Select(u => new Uri(u, UriKind.RelativeOrAbsolute)));
    }

    public static string? WriteNameConstraints(NameConstraints? constraints) => constraints is null ? null : Write(writer =>
    {
        writer.WriteStartObject();
        WriteList(writer, "permittedDns", constraints.PermittedDnsDomains);
        WriteList(writer, "excludedDns", constraints.ExcludedDnsDomains);
        WriteList(writer, "permittedIp", constraints.PermittedIpRanges);
        WriteList(writer, "excludedIp", constraints.ExcludedIpRanges);
        WriteList(writer, "permittedEmail", constraints.PermittedEmailDomains);
        WriteList(writer, "excludedEmail", constraints.ExcludedEmailDomains);
        writer.WriteEndObject();
    });

    public static NameConstraints? ReadNameConstraints(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new NameConstraints
        {
            PermittedDnsDomains = ReadList(root, "permittedDns"),
            ExcludedDnsDomains = ReadList(root, "excludedDns"),
            PermittedIpRanges = ReadList(root, "permittedIp"),
            ExcludedIpRanges = ReadList(root, "excludedIp"),
            PermittedEmailDomains = ReadList(root, "permittedEmail"),
            ExcludedEmailDomains = ReadList(root, "excludedEmail"),
        };
    }

    private static void WriteList(Utf8JsonWriter writer, string property, IEnumerable<string> values)
    {
        using var enumerator = values.GetEnumerator();
        if (!enumerator.MoveNext())
        {
            return; // empty lists are left out
        }

        writer.WriteStartArray(property);
        do
        {
            writer.WriteStringValue(enumerator.Current);
        }
        while (enumerator.MoveNext());
        writer.WriteEndArray();
    }

    private static List<string> ReadList(JsonElement root, string property)
    {
        var values = new List<string>();
        if (root.TryGetProperty(property, out var array))
        {
            foreach (var item in array.EnumerateArray())
            {
                values.Add(item.GetString()!);
            }
        }

        return values;
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
