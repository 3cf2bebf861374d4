namespace Pki.Core;

/// <summary>The certificate authority that issued a certificate: its id and name.</summary>
/// <param name="Id">The CA id.</param>
/// <param name="Name">The CA name.</param>
public sealed record AuthoritySummary(string Id, string Name);
