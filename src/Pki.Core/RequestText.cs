namespace Pki.Core;

/// <summary>
/// Rules for free text a request hands to the library to store and show back (names, organizations, comments): no
/// control characters (NUL included) and no unpaired surrogates, which no store can keep faithfully and no log shows
/// safely.
/// </summary>
internal static class RequestText
{
    /// <summary>The longest organization accepted, in characters (as for CA and token names).</summary>
    public const int MaximumOrganizationLength = 200;

    /// <summary>True when <paramref name="text"/> holds no control character and no unpaired surrogate.</summary>
    /// <param name="text">The text.</param>
    /// <param name="allowLineBreaks">Whether tab, CR and LF are allowed (multi-line comments).</param>
    public static bool IsClean(string text, bool allowLineBreaks = false)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsControl(c))
            {
                if (!(allowLineBreaks && c is '\t' or '\r' or '\n'))
                {
                    return false;
                }
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks an owning organization: null, or 1 to 200 characters, not blank, clean.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>.</exception>
    public static void CheckOrganization(string? organization)
    {
        if (organization is not null
            && (string.IsNullOrWhiteSpace(organization) || organization.Length > MaximumOrganizationLength || !IsClean(organization)))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"An organization must be 1 to {MaximumOrganizationLength} characters, not blank, without control characters or unpaired surrogates.");
        }
    }
}
