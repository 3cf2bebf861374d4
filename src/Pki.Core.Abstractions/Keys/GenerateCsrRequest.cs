namespace Pki.Core;

/// <summary>Asks <see cref="ICsrGenerator"/> for a key and a CSR (seed <c>POST /CSRGeneration/Generate</c>).</summary>
public sealed record GenerateCsrRequest
{
    /// <summary>The subject as an X.500 distinguished name (may be empty when SANs are given).</summary>
    public required DistinguishedName Subject { get; init; }

    /// <summary>The SANs to request, per type (DNS, IP, email, URI), written into the CSR's extensionRequest.</summary>
    public SubjectAlternativeNames? SubjectAlternativeNames { get; init; }

    /// <summary>The key to generate (<see cref="KeySpecification.Parse"/>).</summary>
    public required KeySpecification Key { get; init; }

    /// <summary>The profile (template) the CSR is meant for, or null; its allowed key algorithms apply unless the pattern sets its own.</summary>
    public string? Profile { get; init; }

    /// <summary>The enrollment pattern whose restrictions apply, or null; it wins over the profile where both set a restriction.</summary>
    public string? EnrollmentPattern { get; init; }
}
