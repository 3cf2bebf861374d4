using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Pki.CaServer.Security;
using Pki.Core;

namespace Pki.CaServer.Hosting;

/// <summary>
/// Start-up, before the listeners open: creates the configured root and issuing CA when they do not exist yet, registers
/// the API keys (generating the admin key on first start and printing it once), and issues the HTTPS listener's certificate.
/// Runs as the library's system caller.
/// </summary>
public sealed partial class AuthorityBootstrapper(
    ICertificateAuthority authorities,
    IOptions<CaServerOptions> options,
    ApiKeyRegistry keys,
    CaServerState state,
    PublicUrls urls,
    ILogger<AuthorityBootstrapper> logger) : IHostedService
{
    /// <summary>The admin key's SHA-256 file, in <see cref="CaServerOptions.DataDirectory"/>.</summary>
    public const string AdminKeyFile = "caserver-admin-key.sha256";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var system = HttpCallerAccessor.RunAs(PkiCaller.System);
        var settings = options.Value;

        var root = await FindAsync(settings.Root, cancellationToken) ?? await authorities.CreateRootAsync(new CreateRootAuthorityRequest
        {
            Name = settings.Root.Name,
            Organization = settings.Root.Organization,
            Subject = DistinguishedName.Parse(settings.Root.Subject),
            KeyAlgorithm = settings.Root.KeyAlgorithm,
            ValidityDays = settings.Root.ValidityDays,
            PathLengthConstraint = 1,
            CrlDistributionPoint = urls.Crl(settings.Root.Name),
            DeltaCrlDistributionPoint = urls.DeltaCrl(settings.Root.Name),
            OcspResponder = urls.Ocsp(settings.Root.Name),
            CaIssuers = urls.CaIssuers(settings.Root.Name),
        }, cancellationToken);
        var issuing = await FindAsync(settings.Issuing, cancellationToken) ?? await authorities.CreateIntermediateAsync(new CreateIntermediateAuthorityRequest
        {
            Name = settings.Issuing.Name,
            Parent = CaReference.ById(root.Id),
            Organization = settings.Issuing.Organization,
            Subject = DistinguishedName.Parse(settings.Issuing.Subject),
            KeyAlgorithm = settings.Issuing.KeyAlgorithm,
            ValidityDays = settings.Issuing.ValidityDays,
            CrlDistributionPoint = urls.Crl(settings.Issuing.Name),
            DeltaCrlDistributionPoint = urls.DeltaCrl(settings.Issuing.Name),
            OcspResponder = urls.Ocsp(settings.Issuing.Name),
            CaIssuers = urls.CaIssuers(settings.Issuing.Name),
        }, cancellationToken);
        LogAuthorities(logger, root.Name, root.Id, issuing.Name, issuing.Id);

        RegisterAdminKey(settings);
        await RegisterConfiguredKeysAsync(settings, cancellationToken);

        var tls = await TlsListenerCertificate.IssueAsync(authorities, issuing.Id, cancellationToken);
        string chain = await authorities.GetChainPemAsync(CaReference.ById(issuing.Id), cancellationToken);
        state.Set(root.Id, issuing.Id, X509Certificate2.CreateFromPem(root.CertificatePem), chain, tls);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<AuthorityRecord?> FindAsync(AuthorityOptions authority, CancellationToken cancellationToken)
    {
        try
        {
            return await authorities.GetAsync(CaReference.ByName(authority.Name, authority.Organization), cancellationToken);
        }
        catch (PkiException e) when (e.Code == PkiErrorCode.AuthorityNotFound)
        {
            return null;
        }
    }

    private void RegisterAdminKey(CaServerOptions settings)
    {
        var admin = new PkiCaller { Subject = "admin", Roles = PkiRoles.Superuser };
        if (!string.IsNullOrEmpty(settings.AdminApiKey))
        {
            keys.Add(ApiKeyRegistry.Hash(settings.AdminApiKey), admin);
            return;
        }

        string? file = settings.DataDirectory is null ? null : Path.GetFullPath(Path.Combine(settings.DataDirectory, AdminKeyFile));
        if (file is not null && File.Exists(file))
        {
            keys.Add(Convert.FromHexString(File.ReadAllText(file).Trim()), admin);
            LogAdminKeyKept(logger, file);
            return;
        }

        string key = ApiKeyRegistry.NewKey();
        keys.Add(ApiKeyRegistry.Hash(key), admin);
        if (file is not null)
        {
            File.WriteAllText(file, Convert.ToHexStringLower(ApiKeyRegistry.Hash(key)) + "\n");
        }

        // Printed once, on purpose on the console only (never logged): only its SHA-256 is kept.
        Console.WriteLine($"""

            ==== CaServer admin API key (shown once; only its SHA-256 is kept{(file is null ? "" : " in " + file)}) ====
            {key}
            Use it as:  Authorization: Bearer {key}

            """);
    }

    private async Task RegisterConfiguredKeysAsync(CaServerOptions settings, CancellationToken cancellationToken)
    {
        if (settings.ApiKeys.Count == 0)
        {
            return;
        }

        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var authority in authorities.ListAsync(new AuthorityQuery { Limit = 1000 }, cancellationToken))
        {
            byName.TryAdd(authority.Name, authority.Id);
            ids.Add(authority.Id);
        }

        foreach (var key in settings.ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                throw new InvalidOperationException("Every API key needs a Name: it is the caller's subject in the audit log.");
            }

            var capabilities = new Dictionary<string, PkiCapabilities>(StringComparer.Ordinal);
            foreach (var (ca, granted) in key.Capabilities)
            {
                string id = ids.Contains(ca) ? ca
                    : byName.TryGetValue(ca, out string? named) ? named
                    : throw new InvalidOperationException($"API key '{key.Name}': no CA with id or name '{ca}'.");
                capabilities[id] = ParseCapabilities(key.Name, granted);
            }

            keys.Add(Convert.FromHexString(key.KeySha256.Trim()), new PkiCaller
            {
                Subject = key.Name,
                Organization = string.IsNullOrWhiteSpace(key.Organization) ? null : key.Organization,
                Roles = key.Roles,
                Capabilities = capabilities,
            });
        }

        LogKeys(logger, settings.ApiKeys.Count);
    }

    private static PkiCapabilities ParseCapabilities(string keyName, string text)
    {
        var result = PkiCapabilities.None;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= part switch
            {
                "create_cert" => PkiCapabilities.CreateCertificate,
                "revoke_cert" => PkiCapabilities.RevokeCertificate,
                "export_private_key" => PkiCapabilities.ExportPrivateKey,
                _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"API key '{keyName}': unknown capability '{part}' (create_cert, revoke_cert, export_private_key).")),
            };
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Root CA '{RootName}' ({RootId}), issuing CA '{IssuingName}' ({IssuingId})")]
    private static partial void LogAuthorities(ILogger logger, string rootName, string rootId, string issuingName, string issuingId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API key: the one whose SHA-256 is in {File}")]
    private static partial void LogAdminKeyKept(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} configured API keys")]
    private static partial void LogKeys(ILogger logger, int count);
}
