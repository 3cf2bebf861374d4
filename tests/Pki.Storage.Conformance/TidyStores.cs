using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>The stores of one provider over one database, as tidy uses them together.</summary>
/// <param name="Certificates">The certificate store.</param>
/// <param name="Tokens">The request-token store.</param>
/// <param name="Revocation">The revocation store.</param>
/// <param name="Keys">The private-key store.</param>
/// <param name="Authorities">The authority store.</param>
public sealed record TidyStores(ICertificateStore Certificates, IRequestTokenStore Tokens, IRevocationStore Revocation, IPrivateKeyStore Keys, IAuthorityStore Authorities);
