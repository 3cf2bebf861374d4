using Pki.Core.Authorization;

namespace Pki.Core.Tests.Authorization;

/// <summary>Each operation × caller kind × same/other organization, against the rule of seed 003.</summary>
public sealed class AuthorizationMatrixTests
{
    private const string Ca = "ca1";

    public static TheoryData<string, PkiOperation, bool, bool> Matrix()
    {
        var data = new TheoryData<string, PkiOperation, bool, bool>();
        foreach (var operation in Enum.GetValues<PkiOperation>())
        {
            foreach (bool sameOrganization in new[] { true, false })
            {
                data.Add("superuser", operation, sameOrganization, true);
                data.Add("admin", operation, sameOrganization, sameOrganization);
                data.Add("member", operation, sameOrganization, operation == PkiOperation.Read && sameOrganization);
                data.Add("creator", operation, sameOrganization, operation is PkiOperation.Read or PkiOperation.Issue or PkiOperation.ManageToken);
                data.Add("revoker", operation, sameOrganization, operation is PkiOperation.Read or PkiOperation.Revoke or PkiOperation.Publish);
                data.Add("exporter", operation, sameOrganization, operation is PkiOperation.Read or PkiOperation.ExportPrivateKey);
                data.Add("other-ca-creator", operation, sameOrganization, operation == PkiOperation.Read && sameOrganization);
            }
        }

        return data;
    }

    private static PkiCaller Caller(string kind) => kind switch
    {
        "superuser" => new PkiCaller { Subject = kind, Organization = "globex", Roles = PkiRoles.Superuser },
        "admin" => new PkiCaller { Subject = kind, Organization = "acme", Roles = PkiRoles.Admin },
        "member" => new PkiCaller { Subject = kind, Organization = "acme" },
        "creator" => new PkiCaller { Subject = kind, Organization = "acme", Capabilities = new Dictionary<string, PkiCapabilities> { [Ca] = PkiCapabilities.CreateCertificate } },
        "revoker" => new PkiCaller { Subject = kind, Organization = "acme", Capabilities = new Dictionary<string, PkiCapabilities> { [Ca] = PkiCapabilities.RevokeCertificate } },
        "exporter" => new PkiCaller { Subject = kind, Organization = "acme", Capabilities = new Dictionary<string, PkiCapabilities> { [Ca] = PkiCapabilities.ExportPrivateKey } },
        _ => new PkiCaller { Subject = kind, Organization = "acme", Capabilities = new Dictionary<string, PkiCapabilities> { ["ca2"] = PkiCapabilities.CreateCertificate } },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void The_rule_is_capability_or_admin_in_the_organization_or_superuser(string kind, PkiOperation operation, bool sameOrganization, bool allowed)
    {
        var caller = Caller(kind);
        string organization = sameOrganization ? "acme" : "initech";

        Assert.Equal(allowed, PkiAuthorizer.IsAllowed(caller, operation, Ca, organization));
    }

    [Fact]
    public void Demand_throws_Forbidden_for_a_denied_operation()
    {
        var authorizer = new PkiAuthorizer(new Accessor(new PkiCaller { Subject = "member", Organization = "acme" }));
        var error = Assert.Throws<PkiException>(() => authorizer.Demand(PkiOperation.Issue, Ca, "acme"));
        Assert.Equal(PkiErrorCode.Forbidden, error.Code);
        Assert.Equal(403, error.HttpStatusCode);
    }

    [Fact]
    public void The_system_caller_may_do_everything()
    {
        Assert.True(PkiCaller.System.IsSystem);
        Assert.False((PkiCaller.System with { Subject = "alice", Roles = PkiRoles.None }).IsSystem); // a copy is not the system
        Assert.All(Enum.GetValues<PkiOperation>(), op => Assert.True(PkiAuthorizer.IsAllowed(PkiCaller.System, op, Ca, "any")));
    }

    private sealed class Accessor(PkiCaller caller) : ICallerAccessor
    {
        public PkiCaller Caller => caller;
    }
}
