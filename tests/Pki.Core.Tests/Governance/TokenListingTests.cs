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

    [Fact]
    public async Task The_cas_admin_sees_tokens_of_its_ca_filed_under_another_organization()
    {
        using var g = await GovernanceHost.CreateAsync();
        var tokens = g.Host.Get<IRequestTokenService>();
        var contractor = GovernanceHost.Member("globex", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate });
        var filed = await g.AsAsync(contractor, () => tokens.CreateAsync(new CreateRequestTokenRequest
        {
            Name = "globex-owned", Authority = CaReference.ById(g.AcmeCa.Id), OwnerOrganization = "globex",
        }).AsTask());
        var acmeAdmin = GovernanceHost.Member("acme", PkiRoles.Admin);

        var seen = await g.AsAsync(acmeAdmin, () => tokens.GetAsync(filed.Token.Id).AsTask());
        var listed = await g.AsAsync(acmeAdmin, () => tokens.ListAsync(new RequestTokenQuery { AuthorityId = g.AcmeCa.Id }).ToListAsync().AsTask());
        var deleted = await g.AsAsync(acmeAdmin, () => tokens.DeleteAsync(filed.Token.Id).AsTask());

        Assert.Equal(filed.Token.Id, seen.Id);
        Assert.Equal([filed.Token.Id], listed.Select(t => t.Id));
        Assert.Equal(RequestTokenState.Deleted, deleted.State);
    }
}
