namespace Pki.Core;

/// <summary>Size and count limits applied to every CSR before and while it is parsed.</summary>
public sealed class CsrLimits
{
    /// <summary>The largest CSR accepted, in bytes (PEM text or DER). Default 64 KiB.</summary>
    public int MaximumSize { get; set; } = 64 * 1024;

    /// <summary>The largest number of subject alternative names in a request or an override, and in a certificate: a common
    /// name the profile adds as a SAN counts. Default 100.</summary>
    public int MaximumSubjectAlternativeNames { get; set; } = 100;

    /// <summary>The largest number of subject attributes. Default 16.</summary>
    public int MaximumSubjectAttributes { get; set; } = 16;
}
