namespace Pki.Core.Issuance;

// Temporary minimal version; replaced by the full syntax checks from the CSR-intake work.
internal static class SubjectAlternativeNameSyntax
{
    public static void Validate(SubjectAlternativeNames names, int maxCount)
    {
        if (names.Count > maxCount)
        {
            throw new PkiException(PkiErrorCode.InputTooLarge, $"At most {maxCount} subject alternative names are allowed.");
        }
    }

    public static bool IsEmailAddress(string value) => value.Contains('@', StringComparison.Ordinal);

    public static bool IsDnsName(string value) => Uri.CheckHostName(value) == UriHostNameType.Dns;
}
