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

        // A token presented for another CA than its own answers as an unknown one would (no hint that it exists).
        if (request.Authority is { } expected && !await IsForAsync(token, expected, cancellationToken).ConfigureAwait(false))
        {
            throw Refused(token.Id, TokenErrors.NotFound());
        }

        // The same strict reader and the same pipeline as ICsrSigner; a CSR that fails here leaves the token unused.
        var csr = CsrSigner.ReadCsr(pem, default, options.Value);
        LockedNameRule.Check(token.CommonName, csr.RequestedNames, csr.Subject);
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

    /// <summary>Whether the token was made for <paramref name="expected"/>: the same CA id, or the same CA name (and, when
    /// the reference names one, the same organization).</summary>
    private async ValueTask<bool> IsForAsync(RequestTokenRecord token, CaReference expected, CancellationToken cancellationToken)
    {
        if (expected.Id is not null)
        {
            return string.Equals(expected.Id, token.Authority.Id, StringComparison.Ordinal);
        }

        if (!string.Equals(expected.Name, token.Authority.Name, StringComparison.Ordinal))
        {
            return false;
        }

        if (expected.Organization is null)
        {
            return true;
        }

        try
        {
            var authority = await authorities.FindAsync(CaReference.ById(token.Authority.Id), cancellationToken).ConfigureAwait(false);
            return string.Equals(authority.Organization, expected.Organization, StringComparison.Ordinal);
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCode.AuthorityNotFound)
        {
            return false;
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
