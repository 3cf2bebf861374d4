using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Pki.Core.Tests.Governance;

public sealed class GovernanceTests
{
    private static IssueCertificateRequest Issue(AuthorityRecord ca, string cn = "svc.example.com") =>
        new() { Authority = CaReference.ById(ca.Id), Profile = CertificateProfiles.Server, CommonName = cn, IncludePrivateKey = false };

    [Fact]
    public async Task A_member_without_capability_is_forbidden_and_nothing_changes()
    {
        using var g = await GovernanceHost.CreateAsync();
        var member = GovernanceHost.Member("acme");
        int before = (await g.Host.Authority.ListCertificatesAsync().ToListAsync()).Count;

        var error = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(member, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa)).AsTask()));

        Assert.Equal(PkiErrorCode.Forbidden, error.Code);
        Assert.Equal(before, (await g.Host.Authority.ListCertificatesAsync().ToListAsync()).Count);
        var last = await g.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { Actor = member.Subject }).LastAsync();
        Assert.Equal(AuditOutcome.Denied, last.Outcome);
        Assert.Equal(PkiErrorCode.Forbidden, last.ErrorCode);
    }

    [Theory]
    [InlineData("ali\u0000ce", null)]
    [InlineData("alice\u001b[2J", null)]
    [InlineData("ali{hi}ce", null)]
    [InlineData(" ", null)]
    [InlineData("alice", "ac\u0000me")]
    [InlineData("alice", "")]
    public async Task A_caller_whose_identity_no_log_can_record_is_refused_before_anything_changes(string subject, string? organization)
    {
        using var g = await GovernanceHost.CreateAsync();
        var caller = new PkiCaller { Subject = subject.Replace("{hi}", "\ud800", StringComparison.Ordinal), Organization = organization, Roles = PkiRoles.Superuser };
        int certificates = (await g.Host.Authority.ListCertificatesAsync().ToListAsync()).Count;
        var log = g.Host.Get<IAuditLog>();
        long events = (await log.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync()).Count;

        var issue = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(caller, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa)).AsTask()));
        var create = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(caller, () => g.Host.Authority.CreateRootAsync(
            new CreateRootAuthorityRequest { Name = "x", Subject = DistinguishedName.Create(commonName: "X") }).AsTask()));
        var token = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(caller, () => g.Host.Get<IRequestTokenService>().CreateAsync(
            new CreateRequestTokenRequest { Authority = CaReference.ById(g.AcmeCa.Id), Name = "t", Profile = CertificateProfiles.Client }).AsTask()));

        Assert.All(new[] { issue, create, token }, e => Assert.Equal(PkiErrorCode.InvalidRequest, e.Code));
        Assert.Equal(certificates, (await g.Host.Authority.ListCertificatesAsync().ToListAsync()).Count);
        Assert.Equal(2, (await g.Host.Authority.ListAsync().ToListAsync()).Count);
        Assert.Equal(events, (await log.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync()).Count);
    }

    [Fact]
    public async Task The_audit_log_is_read_whole_by_superusers_by_organization_by_admins_and_not_at_all_by_others()
    {
        using var g = await GovernanceHost.CreateAsync();
        var acmeAdmin = GovernanceHost.Member("acme", PkiRoles.Admin);
        var globexAdmin = GovernanceHost.Member("globex", PkiRoles.Admin);
        for (int i = 0; i < 3; i++)
        {
            await g.AsAsync(acmeAdmin, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa, $"a{i}.example.com")).AsTask());
            await g.AsAsync(globexAdmin, () => g.Host.Authority.IssueAsync(Issue(g.GlobexCa, $"g{i}.example.com")).AsTask());
            await g.AsAsync(PkiCaller.System, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa, $"s{i}.example.com")).AsTask());
        }

        // An Acme member tries Globex's CA: refused (not found), and the failure is an Acme actor's event (which Acme's admin sees).
        await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(GovernanceHost.Member("acme"), () => g.Host.Authority.IssueAsync(Issue(g.GlobexCa)).AsTask()));
        var log = g.Host.Get<IAuditLog>();
        var all = await log.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync();
        var acmeCas = new HashSet<string> { g.AcmeCa.Id };
        var expected = all.Where(e => e.ActorOrganization == "acme" || (e.AuthorityId is not null && acmeCas.Contains(e.AuthorityId))).Select(e => e.Sequence).ToList();
        Assert.Contains(all, e => e.ActorOrganization == "globex" && e.AuthorityId == g.GlobexCa.Id);

        // One event per page, paging by the last sequence seen: every visible event, in order, nothing else.
        var seen = new List<long>();
        long after = 0;
        while (await g.AsAsync(acmeAdmin, () => log.QueryAsync(new AuditQuery { AfterSequence = after, Limit = 1 }).ToListAsync().AsTask()) is [var e])
        {
            seen.Add(e.Sequence);
            after = e.Sequence;
        }

        Assert.Equal(expected, seen);
        Assert.Contains(all, e => e.ActorOrganization == "acme" && e.Outcome != AuditOutcome.Success && seen.Contains(e.Sequence));
        var globexSees = await g.AsAsync(globexAdmin, () => log.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync().AsTask());
        Assert.All(globexSees, e => Assert.True(e.ActorOrganization == "globex" || e.AuthorityId == g.GlobexCa.Id));
        Assert.DoesNotContain(globexSees, e => e.AuthorityId == g.AcmeCa.Id);

        var member = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate }),
            () => log.QueryAsync().ToListAsync().AsTask()));
        var verify = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(acmeAdmin, () => log.VerifyAsync().AsTask()));
        Assert.Equal(PkiErrorCode.Forbidden, member.Code);
        Assert.Equal(PkiErrorCode.Forbidden, verify.Code);
        Assert.True((await g.AsAsync(PkiCaller.System, () => log.VerifyAsync().AsTask())).IsIntact);
    }

    [Fact]
    public async Task Capabilities_admins_and_superusers_may_issue_on_their_ca()
    {
        using var g = await GovernanceHost.CreateAsync();
        var creator = GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate });
        var admin = GovernanceHost.Member("acme", PkiRoles.Admin);
        var superuser = GovernanceHost.Member("elsewhere", PkiRoles.Superuser);

        foreach (var caller in new[] { creator, admin, superuser })
        {
            var issued = await g.AsAsync(caller, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa)).AsTask());
            Assert.Equal(g.AcmeCa.Id, issued.Record.CertificateAuthority.Id);
        }

        // The creator's capability is on the Acme CA only, and Globex is another organization for the admin.
        await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(creator, () => g.Host.Authority.IssueAsync(Issue(g.GlobexCa)).AsTask()));
    }

    [Fact]
    public async Task Another_organizations_objects_are_not_found_rather_than_forbidden()
    {
        using var g = await GovernanceHost.CreateAsync();
        var globexCertificate = await g.Host.Authority.IssueAsync(Issue(g.GlobexCa));
        var acmeAdmin = GovernanceHost.Member("acme", PkiRoles.Admin);

        var ca = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(acmeAdmin, () => g.Host.Authority.GetAsync(CaReference.ById(g.GlobexCa.Id)).AsTask()));
        var byName = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(acmeAdmin, () => g.Host.Authority.GetAsync(CaReference.ByName("globex-ca", "globex")).AsTask()));
        var certificate = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(acmeAdmin, () => g.Host.Authority.GetCertificateAsync(globexCertificate.Record.Id).AsTask()));

        Assert.Equal(PkiErrorCode.AuthorityNotFound, ca.Code);
        Assert.Equal(PkiErrorCode.AuthorityNotFound, byName.Code);
        Assert.Equal(PkiErrorCode.CertificateNotFound, certificate.Code);
        // A name resolves within the caller's own organization.
        Assert.Equal(g.AcmeCa.Id, (await g.AsAsync(acmeAdmin, () => g.Host.Authority.GetAsync(CaReference.ByName("acme-ca")).AsTask())).Id);
    }

    [Fact]
    public async Task Revocation_calls_answer_another_organizations_certificate_exactly_as_a_missing_one()
    {
        // Code and message alike: nothing tells a member of globex which of acme's certificate ids, serials or CA names exist.
        using var g = await GovernanceHost.CreateAsync();
        var acmeCertificate = await g.Host.Authority.IssueAsync(Issue(g.AcmeCa));
        var outsider = GovernanceHost.Member("globex", PkiRoles.Admin);
        var revocation = g.Host.Get<IRevocationService>();
        string missingId = new('0', 32);
        var serial = acmeCertificate.Record.SerialNumber;
        var otherSerial = SerialNumber.Parse("0123456789abcdef");

        async Task<(PkiErrorCode Code, string Message)> Refusal(Func<Task> call)
        {
            var error = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(outsider, async () => { await call(); return 0; }));
            return (error.Code, error.Message);
        }

        var existing = await Refusal(() => revocation.GetStatusAsync(CertificateReference.ById(acmeCertificate.Record.Id)).AsTask());
        var missing = await Refusal(() => revocation.GetStatusAsync(CertificateReference.ById(missingId)).AsTask());
        Assert.Equal((PkiErrorCode.CertificateNotFound, $"The certificate {acmeCertificate.Record.Id} does not exist."), existing);
        Assert.Equal((PkiErrorCode.CertificateNotFound, $"The certificate {missingId} does not exist."), missing);
        var revoke = await Refusal(() => revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(acmeCertificate.Record.Id), Reason = RevocationReason.KeyCompromise }).AsTask());
        Assert.Equal(existing, revoke);

        var bySerial = await Refusal(() => revocation.GetStatusAsync(CertificateReference.BySerialNumber(CaReference.ByName("acme-ca", "acme"), serial)).AsTask());
        var byOtherSerial = await Refusal(() => revocation.GetStatusAsync(CertificateReference.BySerialNumber(CaReference.ByName("acme-ca", "acme"), otherSerial)).AsTask());
        var noSuchCa = await Refusal(() => revocation.GetStatusAsync(CertificateReference.BySerialNumber(CaReference.ByName("nosuch-ca", "acme"), serial)).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityNotFound, bySerial.Code);
        Assert.Equal(bySerial, byOtherSerial);
        Assert.Equal(bySerial.Message.Replace("acme-ca", "nosuch-ca", StringComparison.Ordinal), noSuchCa.Message);
    }

    [Fact]
    public async Task A_certificate_visible_to_its_owner_organization_is_found_by_serial_under_its_ca_id()
    {
        using var g = await GovernanceHost.CreateAsync();
        var issuer = new PkiCaller { Subject = "globex-issuer", Organization = "globex", Capabilities = new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate } };
        var issued = await g.AsAsync(issuer, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa) with { Organization = "globex" }).AsTask());

        var record = await g.AsAsync(GovernanceHost.Member("globex"), () => g.Host.Get<IRevocationService>().GetStatusAsync(
            CertificateReference.BySerialNumber(CaReference.ById(g.AcmeCa.Id), issued.Record.SerialNumber)).AsTask());

        Assert.Equal(issued.Record.Id, record.Id);
    }

    [Fact]
    public async Task A_denial_names_the_ca_and_object_so_that_the_cas_admin_sees_it()
    {
        using var g = await GovernanceHost.CreateAsync();
        var acmeCertificate = await g.Host.Authority.IssueAsync(Issue(g.AcmeCa));
        var contractor = new PkiCaller { Subject = "contractor", Capabilities = new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.ExportPrivateKey } };

        await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(contractor, () => g.Host.Authority.IssueAsync(Issue(g.AcmeCa)).AsTask()));
        await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(contractor, () => g.Host.Get<IRevocationService>().RevokeAsync(
            new RevokeCertificateRequest { Certificate = CertificateReference.ById(acmeCertificate.Record.Id), Reason = RevocationReason.KeyCompromise }).AsTask()));

        var seenByAcmeAdmin = await g.AsAsync(GovernanceHost.Member("acme", PkiRoles.Admin),
            () => g.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { Actor = "contractor" }).ToListAsync().AsTask());
        Assert.Equal(["certificate.issue", "certificate.revoke"], seenByAcmeAdmin.Select(e => e.Action));
        Assert.All(seenByAcmeAdmin, e => Assert.Equal((AuditOutcome.Denied, g.AcmeCa.Id), (e.Outcome, e.AuthorityId)));
        Assert.Equal(acmeCertificate.Record.Id, seenByAcmeAdmin[1].ObjectId);
    }

    [Fact]
    public async Task A_superuser_names_any_organizations_ca_unless_the_name_is_ambiguous()
    {
        // Seed 003: "ca_name is scoped to the caller's organization; superusers may resolve any CA by name".
        using var g = await GovernanceHost.CreateAsync();
        var superuser = GovernanceHost.Member("operators", PkiRoles.Superuser);
        var request = new SignCsrRequest { Authority = CaReference.ByName("acme-ca"), Profile = CertificateProfiles.Client, CsrPem = GovernanceHost.ClientCsr() };

        var issued = await g.AsAsync(superuser, () => g.Host.Signer.SignAsync(request).AsTask());
        Assert.Equal(g.AcmeCa.Id, issued.Record.CertificateAuthority.Id);
        Assert.Equal(g.GlobexCa.Id, (await g.AsAsync(superuser, () => g.Host.Authority.GetAsync(CaReference.ByName("globex-ca")).AsTask())).Id);

        await g.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "acme-ca", Organization = "globex", Subject = DistinguishedName.Create(commonName: "Twin") });
        // (Issuance reuses what it resolved less than a second ago, as it does for a CA's status; a read resolves afresh.)
        var ambiguous = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(superuser, () => g.Host.Authority.GetAsync(CaReference.ByName("acme-ca")).AsTask()));
        Assert.Equal(PkiErrorCode.InvalidRequest, ambiguous.Code);
        Assert.Equal(g.AcmeCa.Id, (await g.AsAsync(superuser, () => g.Host.Authority.GetAsync(CaReference.ByName("acme-ca", "acme")).AsTask())).Id);
        var missing = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(superuser, () => g.Host.Authority.GetAsync(CaReference.ByName("nobody")).AsTask()));
        Assert.Equal(PkiErrorCode.AuthorityNotFound, missing.Code);
    }

    [Fact]
    public async Task What_other_callers_issued_under_a_name_never_decides_which_ca_a_superuser_means()
    {
        using var g = await GovernanceHost.CreateAsync();
        var superuser = GovernanceHost.Member("operators", PkiRoles.Superuser);
        var unowned = await g.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "shared", Subject = DistinguishedName.Create(commonName: "Shared") });
        await g.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "shared", Organization = "acme", Subject = DistinguishedName.Create(commonName: "Acme Shared") });
        await g.Host.Authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "acme-ca", Organization = "globex", Subject = DistinguishedName.Create(commonName: "Twin") });
        SignCsrRequest Sign(string name) => new() { Authority = CaReference.ByName(name), Profile = CertificateProfiles.Client, CsrPem = GovernanceHost.ClientCsr() };

        // Members of acme and globex issue under their own CAs of these names first, so that issuance remembers them.
        await g.AsAsync(GovernanceHost.Member("acme", PkiRoles.Admin), () => g.Host.Signer.SignAsync(Sign("shared")).AsTask());
        await g.AsAsync(GovernanceHost.Member("globex", PkiRoles.Admin), () => g.Host.Signer.SignAsync(Sign("acme-ca")).AsTask());

        var issued = await g.AsAsync(superuser, () => g.Host.Signer.SignAsync(Sign("shared")).AsTask());
        Assert.Equal(unowned.Id, issued.Record.CertificateAuthority.Id); // the CA without an organization comes first
        var ambiguous = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(superuser, () => g.Host.Signer.SignAsync(Sign("acme-ca")).AsTask()));
        Assert.Equal(PkiErrorCode.InvalidRequest, ambiguous.Code);
    }

    [Property(MaxTest = 15)]
    public Property Whatever_random_callers_do_each_lists_only_its_own_organization(PositiveInt seed)
    {
        using var g = GovernanceHost.CreateAsync().GetAwaiter().GetResult();
        var callers = new[]
        {
            GovernanceHost.Member("acme"), GovernanceHost.Member("acme", PkiRoles.Admin), GovernanceHost.Member("globex", PkiRoles.Admin),
            GovernanceHost.Member("globex", capabilities: new Dictionary<string, PkiCapabilities> { [g.GlobexCa.Id] = PkiCapabilities.CreateCertificate | PkiCapabilities.RevokeCertificate }),
            GovernanceHost.Member("initech"),
        };
        var cas = new[] { g.AcmeCa, g.GlobexCa };
        int state = seed.Get;
        int Next(int n) => (state = (state * 1103515245 + 12345) & 0x7fffffff) % n;
        for (int step = 0; step < 12; step++)
        {
            var caller = callers[Next(callers.Length)];
            var ca = cas[Next(cas.Length)];
            int before = g.Host.Authority.ListCertificatesAsync().CountAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                g.AsAsync(caller, () => g.Host.Authority.IssueAsync(Issue(ca, $"s{step}.example.com")).AsTask()).GetAwaiter().GetResult();
            }
            catch (PkiException ex) when (ex.Code is PkiErrorCode.Forbidden or PkiErrorCode.AuthorityNotFound)
            {
                int after = g.Host.Authority.ListCertificatesAsync().CountAsync().AsTask().GetAwaiter().GetResult();
                if (after != before)
                {
                    return false.ToProperty(); // a denied operation changed something
                }
            }
        }

        return callers.All(caller =>
        {
            var certificates = g.AsAsync(caller, () => g.Host.Authority.ListCertificatesAsync(new CertificateQuery { Limit = 1000 }).ToListAsync().AsTask()).GetAwaiter().GetResult();
            var authorities = g.AsAsync(caller, () => g.Host.Authority.ListAsync().ToListAsync().AsTask()).GetAwaiter().GetResult();
            return certificates.All(c => c.OwnerOrganization == caller.Organization) && authorities.All(a => a.Organization == caller.Organization);
        }).ToProperty();
    }

    [Fact]
    public async Task Token_redemption_is_authorized_by_the_token_alone()
    {
        using var g = await GovernanceHost.CreateAsync();
        var admin = GovernanceHost.Member("acme", PkiRoles.Admin);
        var tokens = g.Host.Get<IRequestTokenService>();
        var created = await g.AsAsync(admin, () => tokens.CreateAsync(new CreateRequestTokenRequest { Name = "device-1", Authority = CaReference.ById(g.AcmeCa.Id) }).AsTask());

        var anonymous = new PkiCaller { Subject = "anonymous" };
        var issued = await g.AsAsync(anonymous, () => tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = created.Secret, Csr = CsrInput.FromPem(GovernanceHost.ClientCsr()) }).AsTask());

        Assert.Equal("device-1", issued.Record.Name);
        var denied = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(anonymous, () => tokens.CreateAsync(new CreateRequestTokenRequest { Name = "x", Authority = CaReference.ById(g.AcmeCa.Id) }).AsTask()));
        Assert.Equal(PkiErrorCode.AuthorityNotFound, denied.Code);
    }

    /// <summary>
    /// Every public mutating operation writes exactly one audit event. The list is checked against the interfaces, so a
    /// new mutating method without an entry here (and without audit) fails this test.
    /// </summary>
    [Fact]
    public async Task Every_public_mutating_operation_writes_exactly_one_audit_event()
    {
        using var g = await GovernanceHost.CreateAsync();
        var authority = g.Host.Authority;
        var signer = g.Host.Signer;
        var tokens = g.Host.Get<IRequestTokenService>();
        var revocation = g.Host.Get<IRevocationService>();
        var issued = await authority.IssueAsync(Issue(g.AcmeCa));
        var token = await tokens.CreateAsync(new CreateRequestTokenRequest { Name = "t", Authority = CaReference.ById(g.AcmeCa.Id) });
        var escrowed = await authority.IssueAsync(Issue(g.AcmeCa, "escrow.example.com") with { IncludePrivateKey = true });
        var exporter = g.Host.Get<IPrivateKeyExporter>();
        var generator = g.Host.Get<ICsrGenerator>();
        var rotation = g.Host.Get<IKeyEncryptionKeyRotation>();
        var tidy = g.Host.Get<ITidyService>();

        var operations = new Dictionary<string, Func<Task>>
        {
            ["ICertificateAuthority.CreateRootAsync"] = () => authority.CreateRootAsync(new CreateRootAuthorityRequest { Name = "r2", Subject = DistinguishedName.Create(commonName: "R2") }).AsTask(),
            ["ICertificateAuthority.CreateIntermediateAsync"] = () => authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest { Name = "i2", Parent = CaReference.ById(g.AcmeCa.Id), Subject = DistinguishedName.Create(commonName: "I2"), ValidityDays = 100 }).AsTask(),
            ["ICertificateAuthority.ImportAsync"] = () => authority.ImportAsync(new ImportAuthorityRequest { Name = "bad", CertificatePem = "x", PrivateKeyPem = "y" }).AsTask(),
            ["ICertificateAuthority.IssueAsync"] = () => authority.IssueAsync(Issue(g.AcmeCa)).AsTask(),
            ["ICsrSigner.SignAsync"] = () => signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(g.AcmeCa.Id), Profile = CertificateProfiles.Client, CsrPem = GovernanceHost.ClientCsr() }).AsTask(),
            ["IRequestTokenService.CreateAsync"] = () => tokens.CreateAsync(new CreateRequestTokenRequest { Name = "t2", Authority = CaReference.ById(g.AcmeCa.Id) }).AsTask(),
            ["IRequestTokenService.RedeemAsync"] = () => tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(GovernanceHost.ClientCsr()) }).AsTask(),
            ["IRequestTokenService.DeleteAsync"] = () => tokens.DeleteAsync(token.Token.Id).AsTask(),
            ["IRevocationService.RevokeAsync"] = () => revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(issued.Record.Id), Reason = RevocationReason.CertificateHold }).AsTask(),
            ["IRevocationService.ReactivateAsync"] = () => revocation.ReactivateAsync(CertificateReference.ById(issued.Record.Id)).AsTask(),
            ["IRevocationService.PublishAsync"] = () => revocation.PublishAsync(CaReference.ById(g.AcmeCa.Id)).AsTask(),
            ["IRevocationService.CreateCrlAsync"] = () => revocation.CreateCrlAsync(CaReference.ById(g.AcmeCa.Id)).AsTask(),
            ["IRevocationService.CreateDeltaCrlAsync"] = () => revocation.CreateDeltaCrlAsync(CaReference.ById(g.AcmeCa.Id)).AsTask(),
            ["IRevocationService.IssueOcspSigningCertificateAsync"] = () => revocation.IssueOcspSigningCertificateAsync(CaReference.ById(g.AcmeCa.Id)).AsTask(),
            ["IPrivateKeyExporter.ExportAsync"] = () => exporter.ExportAsync(escrowed.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask(),
            ["ICsrGenerator.GenerateAsync"] = () => generator.GenerateAsync(new GenerateCsrRequest { Subject = DistinguishedName.Create(commonName: "gen.example.com"), Key = KeySpecification.For(KeyAlgorithm.EcdsaP256) }).AsTask(),
            ["IKeyEncryptionKeyRotation.RewrapAllAsync"] = () => rotation.RewrapAllAsync().AsTask(),
            ["ITidyService.TidyAsync"] = () => tidy.TidyAsync().AsTask(),
        };

        // Reads, and operations that are public by design (OCSP, CRL download), are not audited.
        string[] readOnly = ["Get", "List", "Query", "Verify", "RespondAsync", "AnswerAsync", "GetCrlAsync"];
        var mutating = new[] { typeof(ICertificateAuthority), typeof(ICsrSigner), typeof(IRequestTokenService), typeof(IRevocationService), typeof(IPrivateKeyExporter), typeof(ICsrGenerator), typeof(IKeyEncryptionKeyRotation), typeof(ITidyService) }
            .SelectMany(t => t.GetMethods().Select(m => $"{t.Name}.{m.Name}"))
            .Where(name => !readOnly.Any(prefix => name.Split('.')[1].StartsWith(prefix, StringComparison.Ordinal)))
            .ToHashSet();
        Assert.Equal(mutating.Order(), operations.Keys.Order());

        var log = g.Host.Get<IAuditLog>();
        foreach (var (name, operation) in operations)
        {
            long before = (await log.QueryAsync(new AuditQuery { Limit = 1000 }).LastAsync()).Sequence;
            try
            {
                await operation();
            }
            catch (PkiException)
            {
                // failures are audited too
            }

            var written = await log.QueryAsync(new AuditQuery { AfterSequence = before, Limit = 1000 }).ToListAsync();
            Assert.True(written.Count == 1, $"{name} wrote {written.Count} audit events");
        }

        Assert.True((await log.VerifyAsync()).IsIntact);
        var events = await log.QueryAsync(new AuditQuery { Limit = 1000 }).ToListAsync();
        Assert.DoesNotContain(events, e => (e.ObjectId ?? "").Contains(token.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issuance_emits_metrics_and_a_trace_span()
    {
        using var g = await GovernanceHost.CreateAsync();
        var measurements = new List<(string Name, object Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Pki.Core")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => { lock (measurements) { measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))); } });
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => { lock (measurements) { measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))); } });
        meters.Start();
        var spans = new List<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Pki.Core",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a.OperationName); } },
        };
        ActivitySource.AddActivityListener(activities);

        await g.Host.Authority.IssueAsync(Issue(g.AcmeCa));
        await Assert.ThrowsAsync<PkiException>(() => g.Host.Authority.IssueAsync(Issue(g.AcmeCa, "not a host name")).AsTask());

        lock (measurements)
        {
            var issued = Assert.Single(measurements, m => m.Name == "pki.certificates.issued" && (string?)m.Tags["ca"] == g.AcmeCa.Id);
            Assert.Equal("server", issued.Tags["profile"]);
            Assert.Equal("ECDSA", issued.Tags["key_type"]);
            Assert.Contains(measurements, m => m.Name == "pki.issuance.duration");
            Assert.Contains(measurements, m => m.Name == "pki.errors" && (string?)m.Tags["code"] == nameof(PkiErrorCode.PolicyViolation));
        }

        lock (spans)
        {
            Assert.Contains("pki.issue", spans);
        }
    }

    [Fact]
    public async Task A_ca_below_a_revoked_ca_cannot_issue()
    {
        using var g = await GovernanceHost.CreateAsync();
        var issuing = await g.Host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "acme-issuing", Organization = "acme", Parent = CaReference.ById(g.AcmeCa.Id), Subject = DistinguishedName.Create(commonName: "Acme Issuing"),
            ValidityDays = 100, PathLengthConstraint = 1,
        });
        var below = await g.Host.Authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = "acme-below", Organization = "acme", Parent = CaReference.ById(issuing.Id), Subject = DistinguishedName.Create(commonName: "Acme Below"), ValidityDays = 50,
        });
        Assert.NotNull(await g.Host.Authority.IssueAsync(Issue(below) with { ValidityDays = 30 }));
        var record = (await g.Host.Authority.ListCertificatesAsync(new CertificateQuery { AuthorityId = g.AcmeCa.Id }).ToListAsync()).Single(c => c.SerialNumber == issuing.SerialNumber);

        await g.Host.Get<IRevocationService>().RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(record.Id), Reason = RevocationReason.CACompromise });

        var error = await Assert.ThrowsAsync<PkiException>(() => g.Host.Authority.IssueAsync(Issue(below) with { ValidityDays = 30 }).AsTask());
        Assert.Equal(PkiErrorCode.AuthorityUnavailable, error.Code);
        Assert.Contains("below the revoked CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_key_export_needs_the_export_capability_and_is_audited()
    {
        using var g = await GovernanceHost.CreateAsync();
        var issued = await g.Host.Authority.IssueAsync(Issue(g.AcmeCa) with { IncludePrivateKey = true });
        var exporter = g.Host.Get<IPrivateKeyExporter>();
        var creator = GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.CreateCertificate });
        var exporterCaller = GovernanceHost.Member("acme", capabilities: new Dictionary<string, PkiCapabilities> { [g.AcmeCa.Id] = PkiCapabilities.ExportPrivateKey });
        var otherOrganization = GovernanceHost.Member("globex", PkiRoles.Admin);

        var denied = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(creator, () => exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask()));
        var hidden = await Assert.ThrowsAsync<PkiException>(() => g.AsAsync(otherOrganization, () => exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask()));
        var exported = await g.AsAsync(exporterCaller, () => exporter.ExportAsync(issued.Record.Id, PrivateKeyExportFormat.Pkcs8Pem, null).AsTask());

        Assert.Equal(PkiErrorCode.Forbidden, denied.Code);
        Assert.Equal(PkiErrorCode.CertificateNotFound, hidden.Code);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", exported.Pem, StringComparison.Ordinal);
        var exports = await g.Host.Get<IAuditLog>().QueryAsync(new AuditQuery { Action = "key.export" }).ToListAsync();
        Assert.Equal([AuditOutcome.Denied, AuditOutcome.Failure, AuditOutcome.Success], exports.Select(e => e.Outcome));
        Assert.All(exports, e => Assert.DoesNotContain("PRIVATE KEY", e.ObjectId ?? "", StringComparison.Ordinal));
    }
}
