using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Pki.Core.Tests.Revocation;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Interop;

/// <summary>
/// Real mutual-TLS handshakes on 127.0.0.1: an <see cref="SslStream"/> server with a certificate from the library requires
/// client certificates and checks them against the library's CRL. No timing assertions; generous timeouts.
/// </summary>
public sealed class MutualTlsRevocationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Good_client_connects_revoked_is_refused_reactivated_connects_again()
    {
        using var pki = await RevocationFixture.CreateAsync();
        var server = await IssueServerAsync(pki);
        var client = await pki.IssueClientAsync();
        var issuing = CaReference.ById(pki.Issuing.Id);

        // The server's decision: the chain to our root, and the client's serial not on the library's current CRL.
        async Task<bool> ValidateAsync(X509Certificate2 leaf)
        {
            if (!ChainBuilds(pki, leaf, X509RevocationMode.NoCheck, out _))
            {
                return false;
            }

            var crl = CrlContents.Read((await pki.Revocation.GetCrlAsync(issuing)).Der);
            return !crl.Entries.ContainsKey(SerialNumber.FromBytes(leaf.SerialNumberBytes.Span).ToString());
        }

        Assert.True(await HandshakeAsync(pki, server, client, ValidateAsync));
        await pki.RevokeAsync(client, RevocationReason.CertificateHold);
        Assert.False(await HandshakeAsync(pki, server, client, ValidateAsync));
        await pki.ReactivateAsync(client);
        Assert.True(await HandshakeAsync(pki, server, client, ValidateAsync));
        await pki.RevokeAsync(client, RevocationReason.KeyCompromise);
        Assert.False(await HandshakeAsync(pki, server, client, ValidateAsync));
    }

    [Fact]
    public async Task Dotnet_online_revocation_checking_downloads_the_library_CRL_from_its_distribution_point()
    {
        using var crlServer = new LoopbackCrlServer();
        // No AIA OCSP URL: .NET would ask an OCSP responder first, and there is none on loopback in this test.
        using var pki = await RevocationFixture.CreateAsync(crl: crlServer.Url, withOcsp: false);
        crlServer.Source = async () => (await pki.Revocation.GetCrlAsync(CaReference.ById(pki.Issuing.Id))).Der.ToArray();
        var server = await IssueServerAsync(pki);
        var good = await pki.IssueClientAsync("good@example.com");
        var revoked = await pki.IssueClientAsync("revoked@example.com");
        await pki.RevokeAsync(revoked); // before .NET fetches (and caches) the CRL

        var statuses = new List<string>();
        Task<bool> ValidateAsync(X509Certificate2 leaf)
        {
            bool ok = ChainBuilds(pki, leaf, X509RevocationMode.Online, out string status);
            lock (statuses)
            {
                statuses.Add(status);
            }

            return Task.FromResult(ok);
        }

        Assert.True(await HandshakeAsync(pki, server, good, ValidateAsync), string.Join(" | ", statuses));
        Assert.False(await HandshakeAsync(pki, server, revoked, ValidateAsync));
        Assert.Contains(statuses, s => s.Contains(nameof(X509ChainStatusFlags.Revoked), StringComparison.Ordinal));
        Assert.True(crlServer.Requests > 0);
    }

    private static Task<IssuedCertificate> IssueServerAsync(RevocationFixture pki) =>
        pki.Host.Authority.IssueAsync(new IssueCertificateRequest
        {
            Authority = CaReference.ById(pki.Issuing.Id),
            Profile = CertificateProfiles.Server,
            CommonName = "localhost",
            SubjectAlternativeNames = new SubjectAlternativeNames(dnsNames: ["localhost"], ipAddresses: [IPAddress.Loopback]),
        }).AsTask();

    private static bool ChainBuilds(RevocationFixture pki, X509Certificate2 leaf, X509RevocationMode mode, out string status)
    {
        using var root = X509Certificate2.CreateFromPem(pki.Root.CertificatePem);
        using var intermediate = X509Certificate2.CreateFromPem(pki.Issuing.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(intermediate);
        chain.ChainPolicy.RevocationMode = mode;
        chain.ChainPolicy.RevocationFlag = X509RevocationFlag.EndCertificateOnly;
        chain.ChainPolicy.UrlRetrievalTimeout = TimeSpan.FromSeconds(10);
        bool ok = chain.Build(leaf);
        status = string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()));
        return ok;
    }

    /// <summary>One handshake; true when the server accepted the client and the client read the server's greeting.</summary>
    private static async Task<bool> HandshakeAsync(RevocationFixture pki, IssuedCertificate serverCertificate, IssuedCertificate clientCertificate, Func<X509Certificate2, Task<bool>> validate)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var serverIdentity = Reload(serverCertificate);
        using var clientIdentity = Reload(clientCertificate);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var serverTask = Task.Run(async () =>
            {
                using var socket = await listener.AcceptTcpClientAsync(cts.Token);
                await using var tls = new SslStream(socket.GetStream(), leaveInnerStreamOpen: false);
                X509Certificate2? presented = null;
                try
                {
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = serverIdentity,
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        {
                            presented = certificate is null ? null : new X509Certificate2(certificate);
                            return presented is not null;
                        },
                    }, cts.Token);
                }
                catch (AuthenticationException)
                {
                    return false;
                }
                catch (IOException)
                {
                    return false;
                }

                bool accepted = presented is not null && await validate(presented);
                presented?.Dispose();
                if (accepted)
                {
                    await tls.WriteAsync("OK\n"u8.ToArray(), cts.Token);
                    await tls.FlushAsync(cts.Token);
                }

                return accepted;
            }, cts.Token);

            bool clientRead = false;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificates = [clientIdentity],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 presented && ChainBuilds(pki, presented, X509RevocationMode.NoCheck, out _),
                }, cts.Token);
                byte[] buffer = new byte[3];
                int read = await tls.ReadAtLeastAsync(buffer, 3, throwOnEndOfStream: false, cts.Token);
                clientRead = read == 3 && buffer.AsSpan().SequenceEqual("OK\n"u8);
            }
            catch (AuthenticationException)
            {
            }
            catch (IOException)
            {
            }

            bool serverAccepted = await serverTask;
            Assert.Equal(serverAccepted, clientRead);
            return serverAccepted;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static X509Certificate2 Reload(IssuedCertificate issued)
    {
        using var ephemeral = issued.ToX509Certificate2WithPrivateKey();
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A minimal HTTP/1.0 server on 127.0.0.1 that answers every request with the current CRL.</summary>
    private sealed class LoopbackCrlServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _requests;

        public LoopbackCrlServer()
        {
            _listener.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{Guid.NewGuid():N}.crl");
            _ = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public Func<Task<byte[]>> Source { get; set; } = () => Task.FromResult(Array.Empty<byte>());

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = socket.GetStream();
                    byte[] buffer = new byte[8192];
                    int total = 0;
                    while (total < buffer.Length)
                    {
                        int read = await stream.ReadAsync(buffer.AsMemory(total), _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        total += read;
                        if (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) >= 0)
                        {
                            break;
                        }
                    }

                    Interlocked.Increment(ref _requests);
                    byte[] body = await Source();
                    byte[] head = System.Text.Encoding.ASCII.GetBytes(
                        $"HTTP/1.0 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    return;
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
