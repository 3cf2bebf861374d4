namespace Pki.Core.Tests.Governance;

/// <summary>
/// One organization can neither reach another's keys and records nor plant records in its view: a generated key is
/// married only to a certificate of the organization it was generated for, an owner organization is the caller's or the
/// CA's, and a caller of no organization lists only what it may see.
/// </summary>
public sealed class TenantIsolationTests
{
    private static readonly PkiCaller AcmeAdmin = GovernanceHost.Member("acme", PkiRoles.Admin);
    private static readonly PkiCaller GlobexAdmin = GovernanceHost.Member("globex", PkiRoles.Admin);

    [Fact]
    public async Task A_csr_generated_in_one_organization_is_not_married_to_a_certificate_signed_in_another()
    {
        using var g = await GovernanceHost.CreateAsync();
        var generated = await g.AsAsync(AcmeAdmin, () => g.Host.Get<ICsrGenerator>().GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Create(commonName: "device.acme.example"),
            Key = KeySpecification.For(KeyAlgorithm.EcdsaP256),
        }).AsTask());

        // The CSR is no secret: another organization's admin signs it on its own CA.
        var foreign = await g.AsAsync(GlobexAdmin, () => g.Host.Signer.SignAsync(Sign(g.GlobexCa, generated.CsrPem)).AsTask());
        var export = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(GlobexAdmin,
            () => g.Host.Get<IPrivateKeyExporter>().ExportAsync(foreign.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask()));

        Assert.Null(foreign.Record.PrivateKeyId);
        Assert.Equal(PkiErrorCode.PrivateKeyNotFound, export.Code);

        // Signed in the organization that generated it, the certificate is married to the kept key.
        var own = await g.AsAsync(AcmeAdmin, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, generated.CsrPem)).AsTask());
        Assert.Equal(generated.PrivateKeyId, own.Record.PrivateKeyId);
    }

    [Fact]
    public async Task A_generated_csr_is_married_only_to_a_certificate_its_generator_requests()
    {
        using var g = await GovernanceHost.CreateAsync();
        var prod = await g.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "acme-prod", Organization = "acme", Subject = DistinguishedName.Create(commonName: "Acme Prod") });
        var operatorCaller = GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities>
        {
            [prod.Id] = PkiCapabilities.CreateCertificate | PkiCapabilities.ExportPrivateKey,
        }) with { Subject = "operator" };
        // A contractor (another organization, or a colleague) granted create and export on one other Acme CA only.
        var contractors = new[]
        {
            GovernanceHost.Member("globex", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate | PkiCapabilities.ExportPrivateKey }),
            GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate | PkiCapabilities.ExportPrivateKey }) with { Subject = "colleague" },
        };
        var generated = await g.AsAsync(operatorCaller, () => g.Host.Get<ICsrGenerator>().GenerateAsync(new GenerateCsrRequest
        {
            Subject = DistinguishedName.Create(commonName: "device.acme.example"),
            Key = KeySpecification.For(KeyAlgorithm.EcdsaP256),
        }).AsTask());
        var own = await g.AsAsync(operatorCaller, () => g.Host.Signer.SignAsync(Sign(prod, generated.CsrPem)).AsTask());
        Assert.Equal(generated.PrivateKeyId, own.Record.PrivateKeyId);

        // The CSR is no secret: replayed on the CA they hold export rights on, it gets a certificate but not the key —
        // also by a caller of another organization whose subject happens to be the generator's.
        contractors = [.. contractors, GovernanceHost.Member("globex", capabilities: new Dictionary<string, PkiCapabilities>
        {
            [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate | PkiCapabilities.ExportPrivateKey,
        }) with { Subject = "operator" }];
        foreach (var contractor in contractors)
        {
            var replay = await g.AsAsync(contractor, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, generated.CsrPem)).AsTask());
            Assert.Null(replay.Record.PrivateKeyId);
            var export = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(contractor,
                () => g.Host.Get<IPrivateKeyExporter>().ExportAsync(replay.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask()));
            Assert.Equal(PkiErrorCode.PrivateKeyNotFound, export.Code);
        }
    }

    [Fact]
    public async Task An_admin_may_not_hang_a_ca_under_another_organizations_ca_it_can_merely_see()
    {
        using var g = await GovernanceHost.CreateAsync();
        // A globex Admin who holds only the revoke capability on the Acme CA (so the CA is visible to it).
        var globexAdmin = GovernanceHost.Member("globex", PkiRoles.Admin, new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.RevokeCertificate });

        var error = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(globexAdmin, () => g.Host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "planted", Parent = CaReference.ById(g.AcmeCa.Id), Organization = "globex", Subject = DistinguishedName.Create(commonName: "Planted"),
        }).AsTask()));

        Assert.Equal(PkiErrorCode.Forbidden, error.Code);
        Assert.DoesNotContain(await g.Host.Authority.ListAsync().ToListAsync(), a => a.Name == "planted");

        // Acme's own Admin still creates sub-CAs under it.
        var sub = await g.AsAsync(AcmeAdmin, () => g.Host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "acme-sub", Parent = CaReference.ById(g.AcmeCa.Id), Organization = "acme", Subject = DistinguishedName.Create(commonName: "Acme Sub"),
        }).AsTask());
        Assert.Equal(g.AcmeCa.Id, sub.ParentId);
    }

    [Fact]
    public async Task The_cas_admin_sees_and_revokes_what_its_ca_issued_under_another_owner_organization()
    {
        using var g = await GovernanceHost.CreateAsync();
        // A globex member with the create capability on the Acme CA files a certificate under globex.
        var contractor = GovernanceHost.Member("globex", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate });
        var issued = await g.AsAsync(contractor, () => g.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(g.AcmeCa.Id), Profile = CertificateProfiles.Client, CommonName = "globex-device", Organization = "globex", IncludePrivateKey = false,
        }).AsTask());
        Assert.Equal("globex", issued.Record.OwnerOrganization);

        var seen = await g.AsAsync(AcmeAdmin, () => g.Host.Authority.GetCertificateAsync(issued.Record.Id).AsTask());
        var listed = await g.AsAsync(AcmeAdmin, () => g.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = g.AcmeCa.Id }).ToListAsync().AsTask());
        var revoked = await g.AsAsync(AcmeAdmin, () => g.Host.Get<IRevocationService>().RevokeAsync(new RevokeCertificateRequest
        {
            Certificate = CertificateReference.ById(issued.Record.Id), Reason = RevocationReason.KeyCompromise,
        }).AsTask());

        Assert.Equal(issued.Record.Id, seen.Id);
        Assert.Contains(listed, c => c.Id == issued.Record.Id);
        Assert.Equal(CertificateStatus.Revoked, revoked.Status);

        // Globex's Admin, of another organization than the CA's, still does not list the Acme CA's other certificates.
        var own = await g.Host.Authority.IssueAsync(new IssueCertificateRequest { Authority = CaReference.ById(g.AcmeCa.Id), Profile = CertificateProfiles.Client, CommonName = "acme-own", IncludePrivateKey = false });
        var globexList = await g.AsAsync(GlobexAdmin, () => g.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = g.AcmeCa.Id }).ToListAsync().AsTask());
        Assert.DoesNotContain(globexList, c => c.Id == own.Record.Id);
    }

    [Fact]
    public async Task A_member_may_not_file_a_certificate_or_a_token_under_another_organization()
    {
        using var g = await GovernanceHost.CreateAsync();

        var issue = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(GlobexAdmin, () => g.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(g.GlobexCa.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "planted",
            Organization = "acme",
            IncludePrivateKey = false,
        }).AsTask()));
        var sign = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(GlobexAdmin,
            () => g.Host.Signer.SignAsync(Sign(g.GlobexCa, GovernanceHost.ClientCsr()) with { Organization = "acme" }).AsTask()));
        var token = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(GlobexAdmin, () => g.Host.Get<IRequestTokenService>().CreateAsync(new CreateRequestTokenRequest
        {
            Name = "planted",
            Authority = CaReference.ById(g.GlobexCa.Id),
            Profile = CertificateProfiles.Client,
            OwnerOrganization = "acme",
        }).AsTask()));

        Assert.All([issue, sign, token], e => Assert.Equal(PkiErrorCode.Forbidden, e.Code));
        var acmeView = await g.AsAsync(AcmeAdmin, async () => await g.Host.Authority.ListCertificatesAsync().ToListAsync());
        Assert.Empty(acmeView);

        // Its own organization (or the CA's, the default) is fine, and so is any organization for a superuser.
        var own = await g.AsAsync(GlobexAdmin, () => g.Host.Signer.SignAsync(Sign(g.GlobexCa, GovernanceHost.ClientCsr()) with { Organization = "globex" }).AsTask());
        var superuser = await g.AsAsync(GovernanceHost.Member("ops", PkiRoles.Superuser),
            () => g.Host.Signer.SignAsync(Sign(g.GlobexCa, GovernanceHost.ClientCsr()) with { Organization = "acme" }).AsTask());
        Assert.Equal("globex", own.Record.OwnerOrganization);
        Assert.Equal("acme", superuser.Record.OwnerOrganization);
    }

    [Fact]
    public async Task A_caller_of_no_organization_lists_only_the_cas_and_certificates_it_holds_a_capability_on()
    {
        using var g = await GovernanceHost.CreateAsync();
        await g.AsAsync(AcmeAdmin, () => g.Host.Signer.SignAsync(Sign(g.AcmeCa, GovernanceHost.ClientCsr("acme-device"))).AsTask());
        var globexIssued = await g.AsAsync(GlobexAdmin, () => g.Host.Signer.SignAsync(Sign(g.GlobexCa, GovernanceHost.ClientCsr("globex-device"))).AsTask());
        var service = new PkiCaller
        {
            Subject = "service",
            Organization = null,
            Capabilities = new Dictionary<string, PkiCapabilities> { [g.GlobexCa.Id] = PkiCapabilities.CreateCertificate, ["no-such-ca"] = PkiCapabilities.CreateCertificate },
        };

        var authorities = await g.AsAsync(service, async () => await g.Host.Authority.ListAsync().ToListAsync());
        var all = await g.AsAsync(service, async () => await g.Host.Authority.ListCertificatesAsync().ToListAsync());
        var globex = await g.AsAsync(service, async () => await g.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = g.GlobexCa.Id }).ToListAsync());
        var acme = await g.AsAsync(service, async () => await g.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = g.AcmeCa.Id }).ToListAsync());

        Assert.Equal([g.GlobexCa.Id], authorities.Select(a => a.Id));
        Assert.Empty(all);
        Assert.Equal([globexIssued.Record.Id], globex.Select(c => c.Id));
        Assert.Empty(acme);
    }

    [Fact]
    public async Task A_denied_export_is_audited_with_the_certificate_and_its_ca_for_their_administrators()
    {
        using var g = await GovernanceHost.CreateAsync();
        var issued = await g.AsAsync(AcmeAdmin, () => g.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(g.AcmeCa.Id),
            Profile = CertificateProfiles.Client,
            CommonName = "kept",
        }).AsTask());
        var issuer = GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate });

        var denied = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(issuer,
            () => g.Host.Get<IPrivateKeyExporter>().ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask()));

        Assert.Equal(PkiErrorCode.Forbidden, denied.Code);
        var seen = await g.AsAsync(AcmeAdmin, async () => await g.Host.Get<IAuditLog>().QueryAsync(new AuditQuery()).ToListAsync());
        var attempt = Assert.Single(seen, e => e.Action == "key.export");
        Assert.Equal(AuditOutcome.Denied, attempt.Outcome);
        Assert.Equal(issued.Record.Id, attempt.ObjectId);
        Assert.Equal(g.AcmeCa.Id, attempt.AuthorityId);
    }

    private static SignCsrRequest Sign(AuthorityRecord authority, string csrPem) => new()
    {
        Authority = CaReference.ById(authority.Id),
        Profile = CertificateProfiles.Client,
        CsrPem = csrPem,
    };
}
