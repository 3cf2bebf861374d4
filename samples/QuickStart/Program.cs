// Pki.Core QuickStart: a root and an intermediate CA, a server certificate with a generated key, a client
// certificate from a CSR made with .NET's CertificateRequest, a generated CSR recovered as a PFX, PEM files in ./out/,
// both chains validated; then the client certificate is revoked and the issuing CA's CRL summarised.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;

var services = new ServiceCollection();
services.AddPki();
await using var provider = services.BuildServiceProvider();
var authority = provider.GetRequiredService<ICertificateAuthority>();
var signer = provider.GetRequiredService<ICsrSigner>();

var root = await authority.CreateRootAsync(new CreateRootAuthorityRequest
{
    Name = "Acme Root CA",
    Subject = DistinguishedName.Parse("CN=Acme Root CA,O=Acme Corp,C=US"),
    KeyAlgorithm = KeyAlgorithm.EcdsaP384,
    PathLengthConstraint = 1,
});
var issuing = await authority.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
{
    Name = "Acme Issuing CA",
    Parent = CaReference.ById(root.Id),
    Subject = DistinguishedName.Parse("CN=Acme Issuing CA,O=Acme Corp,C=US"),
    ValidityDays = 1825,
});

// A server certificate whose key the library generates (returned once, as PKCS#8 PEM).
var server = await authority.IssueAsync(new IssueCertificateRequest
{
    Authority = CaReference.ByName("Acme Issuing CA"),
    Profile = CertificateProfiles.Server,
    Subject = DistinguishedName.Parse("CN=localhost,O=Acme Corp,C=US"),
    SubjectAlternativeNames = new SubjectAlternativeNames(ipAddresses: [IPAddress.Loopback]),
    ValidityDays = 90,
});

// A client certificate from a CSR: the private key never leaves this process.
using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
string csr = new CertificateRequest("CN=alice@example.com, O=Acme Corp", clientKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
var client = await signer.SignAsync(new SignCsrRequest
{
    Authority = CaReference.ById(issuing.Id),
    Profile = CertificateProfiles.Client,
    CsrPem = csr,
    ValidityDays = 30,
});

string outDirectory = Path.GetFullPath("out");
Directory.CreateDirectory(outDirectory);
void Write(string name, string content) => File.WriteAllText(Path.Combine(outDirectory, name), content);
Write("root.pem", root.CertificatePem);
Write("intermediate.pem", issuing.CertificatePem);
Write("server.pem", server.CertificatePem);
Write("server.fullchain.pem", server.FullChainPem);
Write("server.key", server.PrivateKeyPem!);
Write("client.pem", client.CertificatePem);
Write("client.key", clientKey.ExportPkcs8PrivateKeyPem());

// A request token: an administrator pre-approves O and OU and the validity; the user redeems it with their own CSR.
var tokens = provider.GetRequiredService<IRequestTokenService>();
var token = await tokens.CreateAsync(new CreateRequestTokenRequest
{
    Name = "api-service-cert",
    Authority = CaReference.ById(issuing.Id),
    Organization = "Acme Corp",
    OrganizationalUnit = "API Services",
    ValidityDays = 30,
});
using var tokenUserKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
string tokenUserCsr = new CertificateRequest("CN=api-client, O=Someone Else", tokenUserKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
var redeemed = await tokens.RedeemAsync(new RedeemRequestTokenRequest { Secret = token.Secret, Csr = CsrInput.FromPem(tokenUserCsr) });

// CSR generation: the library makes the key and keeps it encrypted; the certificate issued for the CSR is married to it,
// so certificate and key can be recovered together as a password-protected PFX (PBES2, AES-256, PBKDF2-SHA256).
var generated = await provider.GetRequiredService<ICsrGenerator>().GenerateAsync(new GenerateCsrRequest
{
    Subject = DistinguishedName.Parse("CN=app.example.com,O=Acme Corp,C=US"),
    SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["app.example.com"]),
    Key = KeySpecification.Parse("ECC", curve: "1.3.132.0.34"),
});
var married = await signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CsrPem = generated.CsrPem });
var pfx = await provider.GetRequiredService<IPrivateKeyExporter>().ExportAsync(married.Record.Id, PrivateKeyExportFormat.Pkcs12, "change it");
File.WriteAllBytes(Path.Combine(outDirectory, "recovered.pfx"), pfx.Data.ToArray());

bool serverValid = Validate(server, root, X509ChainPolicyPurpose.ServerAuth, out string serverStatus);
bool clientValid = Validate(client, root, X509ChainPolicyPurpose.ClientAuth, out string clientStatus);

Console.WriteLine($"Root CA        {root.Subject}  ({root.KeyAlgorithm}, until {root.NotAfter:yyyy-MM-dd})");
Console.WriteLine($"Issuing CA     {issuing.Subject}  ({issuing.KeyAlgorithm}, until {issuing.NotAfter:yyyy-MM-dd})");
Print("Server", server, serverValid, serverStatus);
Print("Client", client, clientValid, clientStatus);
Console.WriteLine($"Token          '{token.Token.Name}' redeemed into {redeemed.Record.Subject}  (token now {(await tokens.GetAsync(token.Token.Id)).State})");
Console.WriteLine($"Recovered      {married.Record.Subject} with its {generated.Key} key as recovered.pfx (key {married.Record.PrivateKeyId})");
Console.WriteLine($"PEM files in   {outDirectory}");

// Revocation: revoke the client certificate, publish the issuing CA's CRL, and print a summary.
var revocation = provider.GetRequiredService<IRevocationService>();
var revoked = await revocation.RevokeAsync(new RevokeCertificateRequest
{
    Certificate = CertificateReference.ById(client.Record.Id),
    Reason = RevocationReason.KeyCompromise,
});
var crl = await revocation.GetCrlAsync(CaReference.ById(issuing.Id));
Write("intermediate.crl.pem", crl.ToPem());
Console.WriteLine($"Revoked        client serial {revoked.SerialNumberHex}: {revoked.Status} ({revoked.RevocationReason}) at {revoked.RevokedAt:yyyy-MM-dd HH:mm:ss}Z");
Console.WriteLine($"CRL            number {crl.Number}, {crl.EntryCount} entr{(crl.EntryCount == 1 ? "y" : "ies")}, next update {crl.NextUpdate:yyyy-MM-dd HH:mm:ss}Z  (intermediate.crl.pem)");
return serverValid && clientValid ? 0 : 1;

static void Print(string label, IssuedCertificate issued, bool valid, string status)
{
    var r = issued.Record;
    Console.WriteLine($"{label,-14} {r.Subject}  SAN [{r.SubjectAlternativeNames}]  serial {r.SerialNumberHex}  {r.SignatureAlgorithm}");
    Console.WriteLine($"{"",-14} valid {r.IssuedOn:yyyy-MM-dd HH:mm:ss}Z .. {r.ExpiresOn:yyyy-MM-dd HH:mm:ss}Z  chain: {(valid ? "OK" : "FAILED " + status)}");
}

static bool Validate(IssuedCertificate issued, AuthorityRecord root, X509ChainPolicyPurpose purpose, out string status)
{
    using var leaf = issued.ToX509Certificate2();
    using var chain = new X509Chain();
    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(root.CertificatePem));
    chain.ChainPolicy.ExtraStore.ImportFromPem(issued.ChainPem);
    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
    chain.ChainPolicy.ApplicationPolicy.Add(new Oid(purpose == X509ChainPolicyPurpose.ServerAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"));
    bool ok = chain.Build(leaf);
    status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
    return ok;
}

internal enum X509ChainPolicyPurpose
{
    ServerAuth,
    ClientAuth,
}
