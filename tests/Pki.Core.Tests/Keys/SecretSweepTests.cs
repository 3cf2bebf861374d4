using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pki.Core.Tests.TestSupport;
using Pki.Core.Tests.Tokens;

namespace Pki.Core.Tests.Keys;

/// <summary>
/// The secrets rule, swept across the main flows: no private key (PKCS#8, PEM, PKCS#12 and their passwords), key-encryption
/// key, envelope data key or request-token secret appears in a log line (formatted text, structured values, scopes), an
/// exception (message, Data, inner exceptions), the ToString of a returned object, an activity tag or event, a metric tag
/// or an audit event.
/// </summary>
public sealed class SecretSweepTests
{
    [Fact]
    public async Task Issuance_export_revocation_and_kek_rotation_leak_no_key_material()
    {
        using var sweep = new Sweep();
        byte[] oldKek = RandomNumberGenerator.GetBytes(32);
        byte[] newKek = RandomNumberGenerator.GetBytes(32);
        sweep.SecretBlobs.AddRange([oldKek, newKek]);
        string exportPassword = "Export-Pw-" + Guid.NewGuid().ToString("N");
        string longPassword = "Too-Long-Pw-" + new string('q', 1100) + Guid.NewGuid().ToString("N");
        sweep.SecretStrings.AddRange([exportPassword, longPassword[..40]]);

        using var host = new PkiTestHost(o => { o.KeyEncryptionKey = oldKek; o.KeyEncryptionKeyId = "old"; }, services: sweep.AddLogging);
        var (root, issuing) = await host.CreateHierarchyAsync(KeyAlgorithm.Rsa2048, KeyAlgorithm.EcdsaP384);
        sweep.Add(root);
        sweep.Add(issuing);

        // Issuance with generated keys returned to the caller.
        var issuedIds = new List<string>();
        foreach (var algorithm in new[] { KeyAlgorithm.EcdsaP256, KeyAlgorithm.Rsa2048 })
        {
            var request = new IssueCertificateRequest
            {
                Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CommonName = "sweep.example.com", KeyAlgorithm = algorithm, IncludePrivateKey = true,
            };
            var issued = await host.Authority.IssueAsync(request);
            sweep.SecretBlobs.Add(PemBody(issued.PrivateKeyPem!));
            sweep.Add(request);
            sweep.Add(issued);
            sweep.Add(issued.Record);
            issuedIds.Add(issued.Record.Id);
        }

        var withoutKey = await host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Client, CommonName = "nokey@example.com", IncludePrivateKey = false,
        });
        sweep.Add(withoutKey);

        // A key generated with its CSR, then signed.
        var generated = await host.Get<ICsrGenerator>().GenerateAsync(new GenerateCsrRequest { Subject = DistinguishedName.Parse("CN=generated.example.com"), Key = KeySpecification.Parse("ECC", 384) });
        sweep.Add(generated);
        var signed = await host.Signer.SignAsync(new SignCsrRequest { Authority = CaReference.ById(issuing.Id), Profile = CertificateProfiles.Server, CsrPem = generated.CsrPem });
        sweep.Add(signed);
        issuedIds.Add(signed.Record.Id);

        // Export in every format, and the refusals.
        var exporter = host.Get<IPrivateKeyExporter>();
        foreach (string id in issuedIds)
        {
            var pem = await exporter.ExportAsync(id, PrivateKeyExportFormat.Pkcs8Pem, null);
            sweep.SecretBlobs.Add(PemBody(pem.Pem!));
            sweep.Add(pem);
            var encrypted = await exporter.ExportAsync(id, PrivateKeyExportFormat.EncryptedPkcs8Pem, exportPassword);
            sweep.SecretBlobs.Add(PemBody(encrypted.Pem!));
            sweep.Add(encrypted);
            var pkcs12 = await exporter.ExportAsync(id, PrivateKeyExportFormat.Pkcs12, exportPassword);
            sweep.SecretBlobs.Add(pkcs12.Data.ToArray());
            sweep.Add(pkcs12);
        }

        await sweep.FailsAsync(() => exporter.ExportAsync(issuedIds[0], PrivateKeyExportFormat.Pkcs12, longPassword).AsTask());
        await sweep.FailsAsync(() => exporter.ExportAsync(issuedIds[0], PrivateKeyExportFormat.EncryptedPkcs8Pem, "").AsTask());
        await sweep.FailsAsync(() => exporter.ExportAsync(issuedIds[0], PrivateKeyExportFormat.Pkcs8Pem, exportPassword).AsTask());
        await sweep.FailsAsync(() => exporter.ExportAsync("0123456789abcdef0123456789abcdef", PrivateKeyExportFormat.Pkcs8Pem, null).AsTask());
        await sweep.FailsAsync(() => exporter.ExportAsync(withoutKey.Record.Id, PrivateKeyExportFormat.Pkcs12, exportPassword).AsTask());

        // Revocation, CRL and OCSP signer.
        var revocation = host.Get<IRevocationService>();
        sweep.Add(await revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById(issuedIds[0]), Reason = RevocationReason.KeyCompromise }));
        sweep.Add(await revocation.PublishAsync(CaReference.ById(issuing.Id)));
        var responder = await revocation.IssueOcspSigningCertificateAsync(CaReference.ById(issuing.Id));
        sweep.Add(responder);
        await sweep.FailsAsync(() => revocation.RevokeAsync(new RevokeCertificateRequest { Certificate = CertificateReference.ById("0123456789abcdef0123456789abcdef") }).AsTask());

        // Every key the store holds, in clear, and the envelope data keys that protect them.
        var store = host.Get<IPrivateKeyStore>();
        var protector = host.Get<IPrivateKeyProtector>();
        await foreach (var stored in store.ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None))
        {
            sweep.Add(stored);
            sweep.SecretBlobs.Add(await protector.UnprotectAsync(stored.Id, stored.ProtectedPkcs8, CancellationToken.None));
            sweep.SecretBlobs.Add(DataKey(stored, "old", oldKek));
        }

        // Rotation: a second host over the same key store, with the new KEK current and the old one kept for reading.
        using var rotated = new PkiTestHost(
            o => { o.KeyEncryptionKey = newKek; o.KeyEncryptionKeyId = "new"; o.PreviousKeyEncryptionKeys["old"] = oldKek; },
            services: s => { sweep.AddLogging(s); s.AddSingleton(store); });
        int count = await rotated.Get<IKeyEncryptionKeyRotation>().RewrapAllAsync();
        Assert.True(count >= 4, "Every stored key is re-wrapped.");
        await foreach (var stored in store.ListAsync(new PrivateKeyQuery { Limit = 1000 }, CancellationToken.None))
        {
            sweep.SecretBlobs.Add(DataKey(stored, "new", newKek));
        }

        // A host that knows neither KEK, and one with a wrong KEK under the current id, cannot read the keys: the errors name ids only.
        using var stranger = new PkiTestHost(o => { o.KeyEncryptionKey = RandomNumberGenerator.GetBytes(32); o.KeyEncryptionKeyId = "other"; }, services: s => { sweep.AddLogging(s); s.AddSingleton(store); });
        using var impostor = new PkiTestHost(o => { o.KeyEncryptionKey = oldKek; o.KeyEncryptionKeyId = "new"; }, services: s => { sweep.AddLogging(s); s.AddSingleton(store); });
        var first = await store.GetAsync(root.KeyId, CancellationToken.None);
        await sweep.FailsAsync(() => stranger.Get<IPrivateKeyProtector>().UnprotectAsync(first!.Id, first.ProtectedPkcs8, CancellationToken.None).AsTask());
        await sweep.FailsAsync(() => impostor.Get<IPrivateKeyProtector>().UnprotectAsync(first!.Id, first.ProtectedPkcs8, CancellationToken.None).AsTask());
        await sweep.FailsAsync(() => stranger.Get<IKeyEncryptionKeyRotation>().RewrapAllAsync().AsTask());

        sweep.Add(host.Get<Microsoft.Extensions.Options.IOptions<PkiOptions>>().Value);
        await sweep.AddAuditAsync(host);
        await sweep.AddAuditAsync(rotated);
        sweep.PublicCertificates.AddRange(await CertificatesAsync(host));
        sweep.AssertClean(minimumLogLines: 5, minimumActivityTags: 1);
    }

    [Fact]
    public async Task Ca_import_from_pem_and_pkcs12_leaks_no_key_or_password()
    {
        using var sweep = new Sweep();
        string password = "Import-Pw-" + Guid.NewGuid().ToString("N");
        string wrongPassword = "Wrong-Pw-" + Guid.NewGuid().ToString("N");
        sweep.SecretStrings.AddRange([password, wrongPassword]);
        using var host = new PkiTestHost(services: sweep.AddLogging);
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsaKey = RSA.Create(2048);
        using var ec = SelfSignedCa("CN=Sweep EC CA", ecKey);
        using var rsa = SelfSignedCa("CN=Sweep RSA CA", rsaKey);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000);
        sweep.SecretBlobs.AddRange([
            ecKey.ExportPkcs8PrivateKey(), ecKey.ExportECPrivateKey(), rsaKey.ExportPkcs8PrivateKey(), rsaKey.ExportRSAPrivateKey(), other.ExportPkcs8PrivateKey(),
        ]);
        byte[] pfx = ec.Export(X509ContentType.Pkcs12, password);
        string encryptedPem = ecKey.ExportEncryptedPkcs8PrivateKeyPem(password, pbe);
        sweep.SecretBlobs.AddRange([pfx, PemBody(encryptedPem)]);

        var good = new[]
        {
            new ImportAuthorityRequest { Name = "pem-pkcs8", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = ecKey.ExportPkcs8PrivateKeyPem() },
            new ImportAuthorityRequest { Name = "pem-sec1", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = ecKey.ExportECPrivateKeyPem() },
            new ImportAuthorityRequest { Name = "pem-rsa", CertificatePem = rsa.ExportCertificatePem(), PrivateKeyPem = rsaKey.ExportRSAPrivateKeyPem() },
            new ImportAuthorityRequest { Name = "pem-encrypted", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = encryptedPem, Password = password },
            new ImportAuthorityRequest { Name = "pkcs12", Pkcs12 = pfx, Password = password },
        };
        foreach (var request in good)
        {
            sweep.Add(request);
            sweep.Add(request with { Name = request.Name + "-copy" });
            sweep.Add(await host.Authority.ImportAsync(request));
        }

        string keyBody = Convert.ToBase64String(ecKey.ExportPkcs8PrivateKey());
        byte[] corruptPfx = (byte[])pfx.Clone();
        corruptPfx[corruptPfx.Length / 2] ^= 0xFF;
        var bad = new[]
        {
            new ImportAuthorityRequest { Name = "bad1", Pkcs12 = pfx, Password = wrongPassword },
            new ImportAuthorityRequest { Name = "bad2", Pkcs12 = pfx },
            new ImportAuthorityRequest { Name = "bad3", Pkcs12 = corruptPfx, Password = password },
            new ImportAuthorityRequest { Name = "bad4", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = encryptedPem, Password = wrongPassword },
            new ImportAuthorityRequest { Name = "bad5", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = encryptedPem },
            new ImportAuthorityRequest { Name = "bad6", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = other.ExportPkcs8PrivateKeyPem() },
            new ImportAuthorityRequest { Name = "bad7", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\n" + keyBody[..^8] + "\n-----END PRIVATE KEY-----\n" },
            new ImportAuthorityRequest { Name = "bad8", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = "-----BEGIN SECRET KEY-----\n" + keyBody + "\n-----END SECRET KEY-----\n" },
            new ImportAuthorityRequest { Name = "bad9", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\n" + keyBody[4..] + "\n-----END PRIVATE KEY-----\n" },
            new ImportAuthorityRequest { Name = "bad10", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = keyBody, Password = password },
            new ImportAuthorityRequest { Name = "bad11", CertificatePem = "-----BEGIN CERTIFICATE-----\n" + keyBody + "\n-----END CERTIFICATE-----\n", PrivateKeyPem = ecKey.ExportPkcs8PrivateKeyPem() },
            new ImportAuthorityRequest { Name = "bad12", CertificatePem = ec.ExportCertificatePem(), PrivateKeyPem = ecKey.ExportPkcs8PrivateKeyPem(), Pkcs12 = pfx, Password = password },
        };
        foreach (var request in bad)
        {
            sweep.Add(request);
            await sweep.FailsAsync(() => host.Authority.ImportAsync(request).AsTask());
        }

        await sweep.AddAuditAsync(host);
        sweep.PublicCertificates.AddRange([ec.RawData, rsa.RawData]);
        sweep.AssertClean(minimumLogLines: 5, minimumActivityTags: 0);
    }

    [Fact]
    public async Task Request_tokens_leak_no_secret_or_hash_through_logs_activities_metrics_audit_or_errors()
    {
        using var sweep = new Sweep();
        using var ca = await TokenTestHost.CreateAsync(sweep.AddLogging);
        var created = await ca.CreateAsync(commonName: "svc.example.com");
        var spare = await ca.CreateAsync(name: "spare");
        var foreign = await ca.CreateAsync(name: "foreign");
        foreach (var token in new[] { created, spare, foreign })
        {
            sweep.SecretStrings.AddRange([token.Secret, token.Secret[4..], token.Secret[4..28]]);
            sweep.SecretBlobs.Add(SHA256.HashData(Encoding.ASCII.GetBytes(token.Secret)));
            sweep.Add(token);
            sweep.Add(token.Token);
        }

        var redeem = new RedeemRequestTokenRequest { Secret = created.Secret, Csr = CsrInput.FromPem(TokenTestHost.Csr("CN=svc.example.com")) };
        sweep.Add(redeem);
        sweep.Add(redeem with { Authority = CaReference.ById(ca.Issuing.Id) });
        var issued = await ca.Tokens.RedeemAsync(redeem);
        sweep.Add(issued);

        async Task RefusedAsync(string secret, string? csr = null, CaReference? authority = null)
        {
            var request = new RedeemRequestTokenRequest { Secret = secret, Csr = CsrInput.FromPem(csr ?? TokenTestHost.Csr()), Authority = authority };
            sweep.Add(request);
            await sweep.FailsAsync(() => ca.Tokens.RedeemAsync(request).AsTask());
        }

        await RefusedAsync(created.Secret); // used
        await RefusedAsync(created.Secret[..^1]); // malformed
        await RefusedAsync(created.Secret[..^2] + (created.Secret[^2] == 'A' ? "BB" : "AA")); // unknown
        await RefusedAsync(foreign.Secret, authority: CaReference.ById(ca.Root.Id)); // another CA
        await RefusedAsync(spare.Secret, "-----BEGIN CERTIFICATE REQUEST-----\n" + spare.Secret[4..] + "\n-----END CERTIFICATE REQUEST-----\n"); // a "CSR" made of the secret
        sweep.Add(await ca.Tokens.DeleteAsync(spare.Token.Id));
        await RefusedAsync(spare.Secret); // deleted
        ca.Clock.Advance(TimeSpan.FromDays(30));
        await RefusedAsync(foreign.Secret); // expired

        await foreach (var token in ca.Tokens.ListAsync())
        {
            sweep.Add(token);
        }

        await sweep.AddAuditAsync(ca.Host);
        sweep.PublicCertificates.AddRange(await CertificatesAsync(ca.Host));
        sweep.AssertClean(minimumLogLines: 5, minimumActivityTags: 1);
    }

    [Fact]
    public void Every_public_record_with_a_secret_property_redacts_it_in_ToString()
    {
        // A record prints every public property: each one that holds a secret needs its own ToString.
        string[] secretNames = ["Secret", "Password", "PrivateKeyPem", "Pkcs8", "Pkcs12", "ProtectedPkcs8", "SecretHash", "KeyEncryptionKey", "Data"];
        var leaking = typeof(CreatedRequestToken).Assembly.GetExportedTypes().Concat(typeof(PkiOptions).Assembly.GetExportedTypes())
            .Where(t => t.GetMethod("<Clone>$") is not null)
            .Where(t => t.GetProperties().Any(p => secretNames.Contains(p.Name)))
            .Where(t => Synthesized(t.GetMethod(nameof(ToString), Type.EmptyTypes)) && Synthesized(t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance)))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(leaking);

        const string secret = "crt_S3cretValueThatMustNotPrint0123456789abcdef";
        byte[] blob = Encoding.ASCII.GetBytes(secret);
        var token = new RequestTokenRecord
        {
            Id = "t1", Name = "n", Authority = new AuthoritySummary("a", "A"), Profile = "client", CreatedAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch,
        };
        object[] holders =
        [
            new ImportAuthorityRequest { Name = "n", CertificatePem = "c", PrivateKeyPem = secret, Pkcs12 = blob, Password = secret },
            new CreatedRequestToken { Token = token, Secret = secret },
            new RedeemRequestTokenRequest { Secret = secret, Csr = CsrInput.FromPem("csr") },
            new StoredRequestToken(token, blob),
            new StoredPrivateKey("k", KeyAlgorithm.EcdsaP256, blob, DateTimeOffset.UnixEpoch),
            new ExportedPrivateKey("c", PrivateKeyExportFormat.Pkcs8Pem, blob),
            new PkiOptions { KeyEncryptionKey = blob },
        ];
        foreach (object holder in holders)
        {
            string text = holder.ToString()!;
            Assert.DoesNotContain("S3cret", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(blob)[..16], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(blob)[..16], text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static bool Synthesized(MethodInfo? method) =>
        method is null || method.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null;

    /// <summary>The DER inside a PEM block.</summary>
    private static byte[] PemBody(string pem)
    {
        var fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    /// <summary>The envelope data key of a stored key (version 2 layout; see EnvelopeKeyProtector), unwrapped with <paramref name="kek"/>.</summary>
    private static byte[] DataKey(StoredPrivateKey stored, string kekId, byte[] kek)
    {
        var blob = stored.ProtectedPkcs8.Span;
        Assert.Equal(2, blob[0]);
        int header = 2 + blob[1];
        Assert.Equal(kekId, Encoding.ASCII.GetString(blob[2..header]));
        var wrapped = blob.Slice(header, 60);
        byte[] dataKey = new byte[32];
        using var aes = new AesGcm(kek, 16);
        aes.Decrypt(wrapped[..12], wrapped[28..], wrapped.Slice(12, 16), dataKey, [.. blob[..header], .. Encoding.UTF8.GetBytes(stored.Id)]);
        return dataKey;
    }

    private static X509Certificate2 SelfSignedCa(string subject, AsymmetricAlgorithm key)
    {
        var request = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }

    /// <summary>The DER of every certificate the host holds: public material that a key's public half may share bytes with.</summary>
    private static async Task<List<byte[]>> CertificatesAsync(PkiTestHost host)
    {
        var result = new List<byte[]>();
        await foreach (var certificate in host.Authority.ListCertificatesAsync(new CertificateQuery { Limit = 1000 }))
        {
            result.Add(PemBody(certificate.CertificatePem));
        }

        await foreach (var authority in host.Authority.ListAsync())
        {
            result.Add(PemBody(authority.CertificatePem));
        }

        return result;
    }

    /// <summary>Captures logs, activities, metrics, exceptions and ToString texts, and checks them against the known secrets.</summary>
    private sealed class Sweep : IDisposable
    {
        private readonly ConcurrentQueue<string> _logs = new();
        private readonly ConcurrentQueue<string> _telemetry = new();
        private readonly List<string> _texts = [];
        private readonly ActivityListener _activities;
        private readonly MeterListener _meters;
        private int _activityTags;

        public Sweep()
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    var text = new StringBuilder(activity.OperationName).Append(' ').Append(activity.DisplayName).Append(' ').Append(activity.StatusDescription);
                    foreach (var tag in activity.TagObjects)
                    {
                        Interlocked.Increment(ref _activityTags);
                        text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
                    }

                    foreach (var item in activity.Baggage)
                    {
                        text.Append(' ').Append(item.Key).Append('=').Append(item.Value);
                    }

                    foreach (var e in activity.Events)
                    {
                        text.Append(' ').Append(e.Name);
                        foreach (var tag in e.Tags)
                        {
                            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
                        }
                    }

                    _telemetry.Enqueue(text.ToString());
                },
            };
            ActivitySource.AddActivityListener(_activities);
            _meters = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
            _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Measured(instrument, tags));
            _meters.SetMeasurementEventCallback<int>((instrument, _, tags, _) => Measured(instrument, tags));
            _meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Measured(instrument, tags));
            _meters.Start();
        }

        public List<string> SecretStrings { get; } = [];

        public List<byte[]> SecretBlobs { get; } = [];

        public List<byte[]> PublicCertificates { get; } = [];

        public void AddLogging(IServiceCollection services) =>
            services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(_logs)));

        public void Add(object? value)
        {
            if (value is not null)
            {
                _texts.Add(value.ToString() ?? "");
            }
        }

        public async Task FailsAsync(Func<Task> action)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(action);
            _texts.Add(Describe(error));
        }

        public async Task AddAuditAsync(PkiTestHost host)
        {
            await foreach (var e in host.Get<IAuditLog>().QueryAsync(new AuditQuery { Limit = 1000 }))
            {
                _texts.Add(e.ToString());
            }
        }

        /// <summary>An exception with its message, type, Data and every inner exception.</summary>
        public static string Describe(Exception? error) => Pki.Storage.Conformance.ExceptionText.Describe(error);

        public void AssertClean(int minimumLogLines, int minimumActivityTags)
        {
            _activities.Dispose();
            _meters.Dispose();
            Assert.True(_logs.Count >= minimumLogLines, $"Only {_logs.Count} log lines were captured.");
            Assert.True(_activityTags >= minimumActivityTags, $"Only {_activityTags} activity tags were captured.");
            var evidence = _texts.Concat(_logs).Concat(_telemetry).ToList();

            foreach (string secret in SecretStrings)
            {
                foreach (string text in evidence)
                {
                    Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"A secret string appears in: {Redact(text, secret)}");
                }
            }

            // Every 32-character base64 run of a secret (in each of the three byte alignments) and every 64-character hex
            // run, less the runs that also occur in public certificates (a key's public half is in its certificate).
            var base64 = new HashSet<string>(StringComparer.Ordinal);
            var hex = new HashSet<string>(StringComparer.Ordinal);
            foreach (byte[] blob in SecretBlobs)
            {
                Windows(blob, base64, hex);
            }

            var publicBase64 = new HashSet<string>(StringComparer.Ordinal);
            var publicHex = new HashSet<string>(StringComparer.Ordinal);
            foreach (byte[] certificate in PublicCertificates)
            {
                Windows(certificate, publicBase64, publicHex);
            }

            base64.ExceptWith(publicBase64);
            hex.ExceptWith(publicHex);
            Assert.NotEmpty(base64);
            foreach (string text in evidence)
            {
                string flat = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
                for (int i = 0; i + 32 <= flat.Length; i++)
                {
                    Assert.False(base64.Contains(flat.Substring(i, 32)), "Base64 of secret bytes appears after: " + Before(flat, i));
                }

                string upper = flat.ToUpperInvariant();
                for (int i = 0; i + 64 <= upper.Length; i++)
                {
                    Assert.False(hex.Contains(upper.Substring(i, 64)), "Hex of secret bytes appears after: " + Before(flat, i));
                }
            }
        }

        public void Dispose()
        {
            _activities.Dispose();
            _meters.Dispose();
        }

        private void Measured(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = new StringBuilder(instrument.Meter.Name).Append(' ').Append(instrument.Name);
            foreach (var tag in tags)
            {
                text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }

            _telemetry.Enqueue(text.ToString());
        }

        private static void Windows(byte[] blob, HashSet<string> base64, HashSet<string> hex)
        {
            for (int shift = 0; shift < 3 && shift < blob.Length; shift++)
            {
                string encoded = Convert.ToBase64String(blob, shift, blob.Length - shift);
                for (int i = 0; i + 32 <= encoded.Length - 4; i++)
                {
                    base64.Add(encoded.Substring(i, 32)); // the last quantum may be padded differently in a longer text
                }
            }

            string h = Convert.ToHexString(blob);
            for (int i = 0; i + 64 <= h.Length; i += 2)
            {
                hex.Add(h.Substring(i, 64));
            }
        }

        /// <summary>At most 200 characters of the failing text before the secret, so the assertion message does not spread it.</summary>
        private static string Before(string text, int index) => text[Math.Max(0, index - 200)..index];

        /// <summary>The failing text with the secret itself masked, so the assertion message does not spread it.</summary>
        private static string Redact(string text, string secret)
        {
            string masked = text.Replace(secret, "<SECRET>", StringComparison.OrdinalIgnoreCase);
            return masked.Length > 600 ? masked[..600] + "…" : masked;
        }
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue($"scope {category} {state} {Values(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel} {eventId} {formatter(state, exception)} {Values(state)} {Sweep.Describe(exception)}");

            private static string Values<TState>(TState state) =>
                state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => p.Key + "=" + Flatten(p.Value))) : "";

            private static string? Flatten(object? value) =>
                value is IEnumerable items and not string ? string.Join(",", items.Cast<object?>()) : value?.ToString();
        }
    }
}
