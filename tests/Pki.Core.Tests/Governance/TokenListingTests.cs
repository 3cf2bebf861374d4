namespace Pki.Core.Tests.Governance;

/// <summary>Listing tokens pages over what the caller may see, so a page is never cut short by other tenants' tokens.</summary>
public sealed class TokenListingTests
{
    [Fact]
    public async Task A_page_of_tokens_holds_the_callers_tokens_however_many_other_tenants_have()
    {
        using var g = await GovernanceHost.CreateAsync();
        var tokens = g.Host.Get<IRequestTokenService>();
        for (int i = 0; i < 5; i++)
        {
            await tokens.CreateAsync(new CreateRequestTokenRequest { Name = $"globex-{i}", Authority = CaReference.ById(g.GlobexCa.Id) });
        }

        var acme = await tokens.CreateAsync(new CreateRequestTokenRequest { Name = "acme", Authority = CaReference.ById(g.AcmeCa.Id) });
        var admin = GovernanceHost.Member("acme", PkiRoles.Admin);

        var page = await g.AsAsync(admin, () => tokens.ListAsync(new RequestTokenQuery { Limit = 5 }).ToListAsync().AsTask());
        Assert.Equal([acme.Token.Id], page.Select(t => t.Id));
        var foreign = await g.AsAsync(admin, () => tokens.ListAsync(new RequestTokenQuery { OwnerOrganization = "globex" }).ToListAsync().AsTask());
        Assert.Empty(foreign);

        // A caller of no organization lists the tokens of a CA it holds a capability on, and nothing without naming one.
        var holder = new PkiCaller { Subject = "robot", Capabilities = new Dictionary<string, PkiCapabilities> { [g.GlobexCa.Id] = PkiCapabilities.CreateCertificate } };
        var globex = await g.AsAsync(holder, () => tokens.ListAsync(new RequestTokenQuery { AuthorityId = g.GlobexCa.Id, Limit = 3 }).ToListAsync().AsTask());
        Assert.Equal(3, globex.Count);
        Assert.Empty(await g.AsAsync(holder, () => tokens.ListAsync().ToListAsync().AsTask()));
    }
}
