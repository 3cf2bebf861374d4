namespace Pki.Core;

/// <summary>Kinds of subject alternative names a profile allows.</summary>
[Flags]
public enum SubjectAlternativeNameTypes
{
    /// <summary>No SANs at all.</summary>
    None = 0,

    /// <summary>dNSName.</summary>
    Dns = 1,

    /// <summary>iPAddress.</summary>
    IpAddress = 2,

    /// <summary>rfc822Name (email).</summary>
    Email = 4,

    /// <summary>uniformResourceIdentifier (e.g. SPIFFE ids).</summary>
    Uri = 8,

    /// <summary>Every kind.</summary>
    All = Dns | IpAddress | Email | Uri,
}
