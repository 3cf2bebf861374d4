using System.Net;

namespace Pki.Core.Tokens;

/// <summary>
/// A token that locks the common name locks the identity: relying parties authenticate clients by their subject
/// alternative names (an email address, a SPIFFE or other URI, a host name) at least as often as by the CN, so a CSR
/// redeemed against such a token may ask only for names that are that common name itself (as a DNS name, an email
/// address or an IP address). A token without a locked common name leaves the names to the CSR.
/// </summary>
internal static class LockedNameRule
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.PolicyViolation"/> naming the first name the token did not approve.</exception>
    public static void Check(string? lockedCommonName, SubjectAlternativeNames requested, DistinguishedName requestedSubject)
    {
        if (lockedCommonName is null)
        {
            return;
        }

        // Only the canonical text of an address: "167772161" or "010.0.0.1" also parse as addresses.
        var address = IPAddress.TryParse(lockedCommonName, out var parsed) && parsed.ToString() == lockedCommonName ? parsed : null;
        string? other =
            requested.DnsNames.FirstOrDefault(name => !string.Equals(name, lockedCommonName, StringComparison.OrdinalIgnoreCase))
            ?? requested.EmailAddresses.FirstOrDefault(email => !string.Equals(email, lockedCommonName, StringComparison.OrdinalIgnoreCase))
            ?? requested.IpAddresses.FirstOrDefault(ip => !ip.Equals(address))?.ToString()
            ?? (requested.Uris.Count > 0 ? requested.Uris[0].OriginalString : null);
        if (other is not null)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation,
                $"The token locks the common name '{lockedCommonName}'; the CSR may not ask for the subject alternative name '{other}'.");
        }

        // The subject's emailAddress is an identity too (mail clients fall back to it when there is no email SAN).
        foreach (var attribute in requestedSubject.Components)
        {
            if (attribute.Oid == DistinguishedNameOids.EmailAddress && !string.Equals(attribute.Value, lockedCommonName, StringComparison.OrdinalIgnoreCase))
            {
                throw new PkiException(PkiErrorCode.PolicyViolation,
                    $"The token locks the common name '{lockedCommonName}'; the CSR may not ask for the email address '{attribute.Value}' in its subject.");
            }
        }
    }
}
