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

    /// <summary>The longest caller subject accepted, in characters (a distinguished name fits; every store can index it).</summary>
    public const int MaximumCallerSubjectLength = 512;

    /// <summary>True when <paramref name="text"/> holds no control character and no unpaired surrogate.</summary>
    /// <param name="text">The text.</param>
    /// <param name="allowLineBreaks">Whether tab, CR and LF are allowed (multi-line comments).</param>
    public static bool IsClean(string text, bool allowLineBreaks = false)
    {
        foreach (char c in text)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\r' or '\n'))
            {
                return false;
            }
        }

        return StoreInputRules.IsStorable(text);
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

    /// <summary>Checks the identity a host's <see cref="ICallerAccessor"/> reports before the library acts on it or records
    /// it: a subject of 1 to <see cref="MaximumCallerSubjectLength"/> characters, not blank, clean, and an organization as
    /// <see cref="CheckOrganization"/> accepts.</summary>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/>.</exception>
    public static void CheckCaller(PkiCaller caller)
    {
        if (string.IsNullOrWhiteSpace(caller.Subject) || caller.Subject.Length > MaximumCallerSubjectLength || !IsClean(caller.Subject))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"The caller's subject must be 1 to {MaximumCallerSubjectLength} characters, not blank, without control characters or unpaired surrogates.");
        }

        CheckOrganization(caller.Organization);
    }
}
