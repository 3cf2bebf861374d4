using System.Text;

namespace Pki.Core;

/// <summary>RFC 4514 string escaping and parsing for <see cref="DistinguishedName"/>.</summary>
internal static class DistinguishedNameFormatter
{
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 4);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                || (i == 0 && (c == '#' || c == ' '))
                || (i == value.Length - 1 && c == ' ');
            if (special)
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Parses an RFC 4514 string into attributes in ASN.1 order (the string's last RDN first).</summary>
    public static List<DistinguishedNameComponent> Parse(string text)
    {
        var attributes = new List<DistinguishedNameComponent>();
        int position = 0;
        SkipSpaces(text, ref position);
        if (position == text.Length)
        {
            return attributes;
        }

        while (true)
        {
            string type = ReadType(text, ref position);
            string value = ReadValue(text, ref position);
            string oid = DistinguishedNameOids.OidOf(type)
                ?? (IsDottedOid(type) ? type : throw Invalid($"Unknown attribute type '{type}'."));
            attributes.Add(new DistinguishedNameComponent(oid, value));
            if (position == text.Length)
            {
                break;
            }

            char separator = text[position++];
            if (separator is not (',' or ';' or '+'))
            {
                throw Invalid("Expected ',' between attributes.");
            }

            SkipSpaces(text, ref position);
        }

        attributes.Reverse();
        return attributes;
    }

    private static string ReadType(string text, ref int position)
    {
        int start = position;
        while (position < text.Length && text[position] != '=')
        {
            position++;
        }

        if (position == text.Length)
        {
            throw Invalid("Expected 'TYPE=value'.");
        }

        string type = text[start..position].Trim();
        position++;
        if (type.Length == 0)
        {
            throw Invalid("An attribute type is empty.");
        }

        return type;
    }

    private static string ReadValue(string text, ref int position)
    {
        SkipSpaces(text, ref position);
        if (position < text.Length && text[position] == '#')
        {
            throw Invalid("Hex-encoded attribute values (#…) are not supported.");
        }

        var value = new StringBuilder();
        int lastSignificant = 0;
        while (position < text.Length && text[position] is not (',' or ';' or '+'))
        {
            char c = text[position++];
            if (c == '\\')
            {
                if (position == text.Length)
                {
                    throw Invalid("A value ends with a lone backslash.");
                }

                c = text[position++];
                if (Uri.IsHexDigit(c))
                {
                    if (position == text.Length || !Uri.IsHexDigit(text[position]))
                    {
                        throw Invalid("A hex escape needs two digits.");
                    }

                    c = (char)Convert.ToByte(string.Concat(c, text[position++]), 16);
                    if (c >= 0x80)
                    {
                        throw Invalid("Escaped UTF-8 bytes are not supported; write the character itself.");
                    }
                }

                value.Append(c);
                lastSignificant = value.Length;
                continue;
            }

            if (c == '"')
            {
                throw Invalid("Unescaped '\"' in a value.");
            }

            value.Append(c);
            if (c != ' ')
            {
                lastSignificant = value.Length;
            }
        }

        return value.ToString(0, lastSignificant);
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    private static bool IsDottedOid(string text)
    {
        if (text.Length == 0 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[^1]) || !text.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (!(char.IsAsciiDigit(c) || (c == '.' && text[i - 1] != '.')))
            {
                return false;
            }
        }

        return true;
    }

    private static PkiException Invalid(string message) =>
        new(PkiErrorCode.InvalidName, "Invalid distinguished name: " + message);
}
