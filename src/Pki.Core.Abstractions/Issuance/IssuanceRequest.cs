namespace Pki.Core;

/// <summary>The parts shared by every way to ask for a certificate.</summary>
public abstract record IssuanceRequest
{
    /// <summary>The issuing CA, by id or by name.</summary>
    public required CaReference Authority { get; init; }

    /// <summary>The profile name (<see cref="CertificateProfiles"/> or one defined in options).</summary>
    public required string Profile { get; init; }

    /// <summary>Overrides the subject's common name.</summary>
    public string? CommonName { get; init; }

    /// <summary>Overrides the whole subject (the <see cref="CommonName"/> override still applies on top).</summary>
    public DistinguishedName? Subject { get; init; }

    /// <summary>Replaces the requested subject alternative names.</summary>
    public SubjectAlternativeNames? SubjectAlternativeNames { get; init; }

    /// <summary>Validity in days; default and cap come from the profile.</summary>
    public int? ValidityDays { get; init; }

    /// <summary>The organization that will own the certificate record; defaults to the CA's organization.</summary>
    public string? Organization { get; init; }

    /// <summary>
    /// The name of an enrollment pattern in the options whose key, validity and profile restrictions apply on top of the
    /// system-wide policy; where it sets a restriction, it wins over the profile's (template's). Null for none.
    /// </summary>
    public string? EnrollmentPattern { get; init; }
}
