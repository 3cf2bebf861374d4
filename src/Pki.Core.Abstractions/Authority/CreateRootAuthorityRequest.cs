namespace Pki.Core;

/// <summary>Creates a self-signed root CA with a new key.</summary>
public sealed record CreateRootAuthorityRequest : CreateAuthorityRequest;
