namespace Pki.Core;

/// <summary>What a tidy pass removes.</summary>
[Flags]
public enum TidyTargets
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Request tokens used, deleted or expired longer than the token retention.</summary>
    Tokens = 1,

    /// <summary>Certificates expired longer than the certificate retention, with the escrowed keys only they referenced.</summary>
    Certificates = 2,

    /// <summary>Superseded CRLs whose nextUpdate is older than the CRL retention.</summary>
    Crls = 4,

    /// <summary>CA and OCSP responder signing keys nothing references, stored longer than the grace period ago.</summary>
    UnreferencedKeys = 8,

    /// <summary>Everything.</summary>
    All = Tokens | Certificates | Crls | UnreferencedKeys,
}
