using System.Security.Cryptography;
using Pki.Core.Issuance;

namespace Pki.Core.Tokens;

internal sealed partial class RequestTokenService
{
    public async ValueTask<IssuedCertificate> RedeemAsync(RedeemRequestTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A malformed secret is refused without touching the store.
        byte[] hash = TokenSecret.HashOrNull(request.Secret) ?? throw Refused(null, TokenErrors.NotFound());
        string pem = CsrPem(request.Csr);
        var stored = await store.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false);
        if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.SecretHash.Span, hash))
        {
            throw Refused(null, TokenErrors.NotFound());
        }

        // Fails fast on a token that is plainly not redeemable; the store's atomic RedeemAsync decides for real.
        var token = stored.Token;
        if (TokenErrors.NotRedeemable(token, time.GetUtcNow()) is { } error)
        {
            throw Refused(token.Id, error);
        }

        // The same strict reader and the same pipeline as ICsrSigner; a CSR that fails here leaves the token unused.
        var csr = CsrSigner.ReadCsr(pem, default, options.Value);
        var order = CsrSigner.CreateOrder(
            new SignCsrRequest
            {
                Authority = CaReference.ById(token.Authority.Id),
                Profile = token.Profile,
                ValidityDays = token.ValidityDays,
                Organization = token.OwnerOrganization,
            },
            csr) with
        {
            LockedAttributes = LockedAttributes(token),
            TokenId = token.Id,
            Name = token.Name,
        };

        try
        {
            var issued = await pipeline.IssueAsync(
                order,
                cancellationToken,
                persist: (record, ct) => store.RedeemAsync(token.Id, record, time.GetUtcNow(), ct)).ConfigureAwait(false);
            LogRedeemed(_logger, token.Id, issued.Record.Id);
            return issued;
        }
        catch (PkiException ex) when (ex.Code is PkiErrorCode.TokenAlreadyUsed or PkiErrorCode.TokenDeleted or PkiErrorCode.TokenExpired or PkiErrorCode.TokenNotFound)
        {
            LogRefused(_logger, token.Id, ex.Code);
            throw;
        }
    }

    private static string CsrPem(CsrInput? input)
    {
        if (input is null || input.Value is null)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, "Give the CSR as { \"type\": \"CSR\", \"value\": PEM }.");
        }

        if (!string.Equals(input.Type, CsrInput.CsrType, StringComparison.Ordinal))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"Only input of type \"{CsrInput.CsrType}\" can redeem a token.");
        }

        return input.Value;
    }

    private static DistinguishedNameComponent[] LockedAttributes(RequestTokenRecord token)
    {
        var locked = new List<DistinguishedNameComponent>(3);
        if (token.Organization is not null)
        {
            locked.Add(new(DistinguishedNameOids.Organization, token.Organization));
        }

        if (token.OrganizationalUnit is not null)
        {
            locked.Add(new(DistinguishedNameOids.OrganizationalUnit, token.OrganizationalUnit));
        }

        if (token.CommonName is not null)
        {
            locked.Add(new(DistinguishedNameOids.CommonName, token.CommonName));
        }

        return [.. locked];
    }

    private PkiException Refused(string? tokenId, PkiException error)
    {
        LogRefused(_logger, tokenId, error.Code);
        return error;
    }
}
