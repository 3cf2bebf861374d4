namespace Pki.Core;

/// <summary>Creates an intermediate CA with a new key, signed by a parent CA the library holds.</summary>
public sealed record CreateIntermediateAuthorityRequest : CreateAuthorityRequest
{
    /// <summary>The CA that signs the new CA's certificate.</summary>
    public required CaReference Parent { get; init; }
}
