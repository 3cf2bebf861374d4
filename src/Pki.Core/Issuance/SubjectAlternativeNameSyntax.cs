using System.Net;
using System.Net.Sockets;

namespace Pki.Core.Issuance;

/// <summary>
/// Syntax rules for subject alternative names (RFC 5280, section 4.2.1.6), shared by the CSR reader and by
/// SAN overrides in the issuance pipeline. Every violation is a <see cref="PkiException"/> with
/// <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/>.
/// </summary>
/// <remarks>
/// Only syntax is checked here: whether a name is allowed for a profile or by name constraints is policy, not
/// syntax. Internationalised names must be given in their A-label (punycode) form; U-labels are rejected.
/// </remarks>
internal static class SubjectAlternativeNameSyntax
{
    /// <summary>The longest DNS name accepted, in characters (RFC 1035, section 2.3.4, without the trailing dot).</summary>
    public const int MaximumDnsNameLength = 253;

    /// <summary>The longest DNS label accepted (RFC 1035, section 2.3.4).</summary>
    public const int MaximumLabelLength = 63;

    /// <summary>The longest email local part accepted (RFC 5321, section 4.5.3.1.1).</summary>
    public const int MaximumLocalPartLength = 64;

    /// <summary>The longest URI accepted, in characters (as SPIFFE IDs; RFC 5280 sets no bound, so one is set here).</summary>
    public const int MaximumUriLength = 2048;

    /// <summary>
    /// Checks every name and the total count.
    /// </summary>
    /// <exception cref="PkiException">
    /// <see cref="PkiErrorCode.InputTooLarge"/> when there are more than <paramref name="maxCount"/> names;
    /// <see cref="PkiErrorCode.InvalidSubjectAlternativeName"/> when a name is malformed.
    /// </exception>
    public static void Validate(SubjectAlternativeNames names, int maxCount)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count > maxCount)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"At most {maxCount} subject alternative names are allowed.");
        }

        foreach (string dnsName in names.DnsNames)
        {
            ValidateDnsName(dnsName);
        }

        foreach (IPAddress address in names.IpAddresses)
        {
            ValidateIpAddress(address);
        }

        foreach (string email in names.EmailAddresses)
        {
            ValidateEmail(email);
        }

        foreach (Uri uri in names.Uris)
        {
            ValidateUri(uri);
        }
    }

    /// <summary>
    /// Checks a dNSName: ASCII letters, digits and hyphens in dot-separated labels of 1–63 characters, no label
    /// starting or ending with a hyphen, at most 253 characters, no trailing dot; the leftmost label may be a
    /// single <c>*</c> wildcard (RFC 5280, section 4.2.1.6; RFC 1034, section 3.5; RFC 6125, section 6.4.3).
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidSubjectAlternativeName"/> when the name is malformed.</exception>
    public static void ValidateDnsName(string? dnsName)
    {
        string? error = CheckDnsName(dnsName, allowWildcard: true);
        if (error is not null)
        {
            throw Invalid($"The DNS name is not valid: {error}.");
        }
    }

    /// <summary>
    /// Checks an rfc822Name: <c>local@domain</c> with a local part of 1–64 printable ASCII characters (no spaces,
    /// no <c>@</c>) and a valid DNS domain without wildcard (RFC 5280, section 4.2.1.6; RFC 5321, section 4.1.2).
    /// </summary>
    /// <remarks>Quoted local parts and address literals (<c>user@[192.0.2.1]</c>) are not accepted.</remarks>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidSubjectAlternativeName"/> when the address is malformed.</exception>
    public static void ValidateEmail(string? email)
    {
        string? error = CheckEmail(email);
        if (error is not null)
        {
            throw Invalid($"The email address is not valid: {error}.");
        }
    }

    /// <summary>True when <paramref name="value"/> passes <see cref="ValidateDnsName"/> (wildcards included).</summary>
    public static bool IsDnsName(string? value) => CheckDnsName(value, allowWildcard: true) is null;

    /// <summary>True when <paramref name="value"/> passes <see cref="ValidateEmail"/>.</summary>
    public static bool IsEmailAddress(string? value) => CheckEmail(value) is null;

    /// <summary>
    /// Checks a uniformResourceIdentifier: an absolute URI with an explicit scheme, printable ASCII only (no spaces
    /// or control characters), as RFC 5280, section 4.2.1.6 requires for the IA5String encoding, and at most
    /// <see cref="MaximumUriLength"/> characters.
    /// </summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidSubjectAlternativeName"/> when the URI is malformed.</exception>
    public static void ValidateUri(Uri? uri)
    {
        if (uri is null)
        {
            throw Invalid("A URI is missing.");
        }

        if (!IsUri(uri))
        {
            throw Invalid($"The URI must be absolute, with a scheme, in printable ASCII without spaces, and at most {MaximumUriLength} characters long.");
        }
    }

    /// <summary>True when <paramref name="uri"/> passes <see cref="ValidateUri"/>.</summary>
    public static bool IsUri(Uri uri)
    {
        string text = uri.OriginalString;
        return uri.IsAbsoluteUri && text.Length <= MaximumUriLength && IsPrintableAsciiWithoutSpace(text) && HasExplicitScheme(text);
    }

    /// <summary>Checks an iPAddress: IPv4 or IPv6 without a scope identifier (RFC 5280, section 4.2.1.6).</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidSubjectAlternativeName"/> when the address cannot be encoded.</exception>
    public static void ValidateIpAddress(IPAddress? address)
    {
        if (address is null
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            throw Invalid("The IP address must be IPv4 or IPv6 without a scope identifier.");
        }
    }

    /// <summary>Parses a URI read from a certificate or CSR and checks it with <see cref="ValidateUri"/>.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidSubjectAlternativeName"/> when the URI is malformed.</exception>
    internal static Uri ParseUri(string text)
    {
        // Checked before Uri sees it: on Unix, Uri treats "/path" as an absolute file URI.
        if (text.Length > MaximumUriLength || !IsPrintableAsciiWithoutSpace(text) || !HasExplicitScheme(text)
            || !Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
        {
            throw Invalid($"The URI must be absolute, with a scheme, in printable ASCII without spaces, and at most {MaximumUriLength} characters long.");
        }

        ValidateUri(uri);
        return uri;
    }

    private static string? CheckDnsName(string? name, bool allowWildcard)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaximumDnsNameLength)
        {
            return $"it is longer than {MaximumDnsNameLength} characters";
        }

        int start = 0;
        if (allowWildcard && name.StartsWith("*.", StringComparison.Ordinal))
        {
            start = 2;
        }

        if (start == name.Length)
        {
            return "a wildcard needs a domain after it";
        }

        if (start == 2 && name.IndexOf('.', start) < 0)
        {
            return "a wildcard must be followed by at least two labels (a wildcard over a top-level domain)";
        }

        while (true)
        {
            int dot = name.IndexOf('.', start);
            int end = dot < 0 ? name.Length : dot;
            var label = name.AsSpan(start, end - start);
            string? labelError = CheckLabel(label);
            if (labelError is not null)
            {
                return labelError;
            }

            if (dot < 0)
            {
                // No top-level domain is all digits (RFC 3696 section 2), so "10.0.0.1" is an address: an iPAddress SAN,
                // which IP name constraints see, not a dNSName.
                return label.ContainsAnyExcept(Digits) ? null : "the last label is all digits (an IP address belongs in an IP address SAN)";
            }

            start = dot + 1;
        }
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    /// <summary>An A-label ("xn--…") must be valid Punycode that IDNA maps back to itself (RFC 5890 section 2.3.2.1).</summary>
    private static bool IsValidALabel(ReadOnlySpan<char> label)
    {
        string ascii = label.ToString().ToLowerInvariant();
        try
        {
            string unicode = s_idn.GetUnicode(ascii);
            return !string.Equals(unicode, ascii, StringComparison.Ordinal)
                && string.Equals(s_idn.GetAscii(unicode), ascii, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static readonly System.Globalization.IdnMapping s_idn = new() { UseStd3AsciiRules = true };

    private static string? CheckLabel(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty)
        {
            return "it has an empty label";
        }

        if (label.Length > MaximumLabelLength)
        {
            return $"a label is longer than {MaximumLabelLength} characters";
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return "a label starts or ends with a hyphen";
        }

        foreach (char c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return "only ASCII letters, digits and hyphens are allowed in a label";
            }
        }

        if (label.Length >= 4 && label[2] == '-' && label[3] == '-')
        {
            // Hyphens in the third and fourth positions are reserved for IDNA's "xn--" (RFC 5891 section 4.2.3.1).
            if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            {
                return "a label has hyphens in its third and fourth positions but is not an IDNA A-label (xn--)";
            }

            if (!IsValidALabel(label))
            {
                return "a label starting with xn-- is not valid Punycode for an internationalized name";
            }
        }

        return null;
    }

    private static string? CheckEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "it is empty";
        }

        int at = email.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at != email.LastIndexOf('@'))
        {
            return "it must contain exactly one '@'";
        }

        if (at == 0 || at > MaximumLocalPartLength)
        {
            return $"the local part must be 1 to {MaximumLocalPartLength} characters long";
        }

        if (!IsPrintableAsciiWithoutSpace(email.AsSpan(0, at)))
        {
            return "the local part must be printable ASCII without spaces";
        }

        string? domainError = CheckDnsName(email[(at + 1)..], allowWildcard: false);
        return domainError is null ? null : "the domain is not valid: " + domainError;
    }

    private static bool IsPrintableAsciiWithoutSpace(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is <= ' ' or >= '\u007f')
            {
                return false;
            }
        }

        return true;
    }

    // RFC 3986, section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), followed by ':'.
    private static bool HasExplicitScheme(string text)
    {
        if (text.Length < 2 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (int i = 1; i < text.Length; i++)
        {
            char c = text[i];
            if (c == ':')
            {
                return i + 1 < text.Length;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return false;
    }

    private static PkiException Invalid(string message) => new(PkiErrorCode.InvalidSubjectAlternativeName, message);
}
