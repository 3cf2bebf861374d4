using Pki.Core.Asn1;

namespace Pki.Core.Issuance;

/// <summary>notBefore/notAfter for a new certificate: backdated, whole seconds, nested inside the issuer's validity.</summary>
/// <param name="NotBefore">notBefore.</param>
/// <param name="NotAfter">notAfter.</param>
/// <param name="Days">Whole days from the issuance time to notAfter (the requested days unless clipped).</param>
internal readonly record struct ValidityWindow(DateTimeOffset NotBefore, DateTimeOffset NotAfter, int Days)
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.PolicyViolation"/> when the days are out of range, or the
    /// window would end after the issuer's and nesting is <see cref="ValidityNesting.Reject"/>.</exception>
    public static ValidityWindow Compute(
        DateTimeOffset now,
        int days,
        int maximumDays,
        TimeSpan backdate,
        DateTimeOffset issuerNotBefore,
        DateTimeOffset issuerNotAfter,
        ValidityNesting nesting)
    {
        if (days < 1 || days > maximumDays)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"Validity must be between 1 and {maximumDays} days, not {days}.");
        }

        now = DerTime.TruncateToSecond(now);
        var notBefore = now - backdate;
        var notAfter = now.AddDays(days);
        if (notBefore < issuerNotBefore)
        {
            notBefore = issuerNotBefore;
        }

        if (notAfter > issuerNotAfter)
        {
            if (nesting == ValidityNesting.Reject)
            {
                throw new PkiException(PkiErrorCode.PolicyViolation,
                    $"The certificate would be valid until {notAfter:u}, after its issuing CA expires at {issuerNotAfter:u}. Ask for fewer days or set ValidityNesting to Clip.");
            }

            notAfter = DerTime.TruncateToSecond(issuerNotAfter);
        }

        if (notAfter <= notBefore)
        {
            throw new PkiException(PkiErrorCode.PolicyViolation, $"The issuing CA's validity ({issuerNotBefore:u} to {issuerNotAfter:u}) leaves no time for a certificate issued at {now:u}.");
        }

        int effectiveDays = notAfter == now.AddDays(days) ? days : (int)Math.Floor((notAfter - now).TotalDays);
        return new ValidityWindow(DerTime.TruncateToSecond(notBefore), notAfter, effectiveDays);
    }
}
