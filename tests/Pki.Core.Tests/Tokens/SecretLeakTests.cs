using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pki.Core.Tests.Tokens;

/// <summary>The secret-leak rule: a token secret (and its hash) appears in no log line, record, ToString or exception.</summary>
public sealed class SecretLeakTests
{
    [Fact]
    public async Task The_secret_and_its_hash_appear_in_no_log_record_ToString_or_exception()
    {
        var logs = new CapturingLoggerProvider();
        using var ca = await TokenTestHost.CreateAsync(services => services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        var evidence = new List<string>();

        var created = await ca.CreateAsync(commonName: "api.example.com", organization: "Example Corp");
        var spare = await ca.CreateAsync(name: "spare");
        evidence.Add(created.ToString());
        evidence.Add(created.Token.ToString());
        evidence.Add(JsonSerializer.Serialize(created.Token));
        var redeem = new RedeemRequestTokenRequest { Secret = created.Secret, Csr = CsrInput.FromPem(TokenTestHost.Csr("CN=someone")) };
        evidence.Add(redeem.ToString());

        var issued = await ca.Tokens.RedeemAsync(redeem);
        evidence.Add(issued.ToString());
        evidence.Add(issued.Record.ToString());
        evidence.Add(JsonSerializer.Serialize(issued.Record.Name));

        // Every failure path: used, expired, deleted, unknown and malformed secrets, a bad CSR.
        evidence.Add(await FailureAsync(ca, created.Secret));
        evidence.Add(await FailureAsync(ca, created.Secret[..^1]));
        evidence.Add(await FailureAsync(ca, created.Secret + "A"));
        // A "CSR" made of the secret's body: the CSR error must not echo its input either.
        evidence.Add(await FailureAsync(ca, spare.Secret, "-----BEGIN CERTIFICATE REQUEST-----\n" + spare.Secret[4..] + "\n-----END CERTIFICATE REQUEST-----\n"));
        await ca.Tokens.DeleteAsync(spare.Token.Id);
        evidence.Add(await FailureAsync(ca, spare.Secret));
        ca.Clock.Advance(TimeSpan.FromDays(8));
        var expired = await ca.CreateAsync(name: "expired", expiresAt: ca.Clock.GetUtcNow().AddMinutes(1));
        ca.Clock.Advance(TimeSpan.FromMinutes(1));
        evidence.Add(await FailureAsync(ca, expired.Secret));

        await foreach (var token in ca.Tokens.ListAsync())
        {
            evidence.Add(token.ToString());
            evidence.Add(JsonSerializer.Serialize(token));
        }

        Assert.NotEmpty(logs.Lines);
        evidence.AddRange(logs.Lines);
        foreach (var secret in new[] { created, spare, expired }.Select(c => c.Secret))
        {
            byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret));
            string[] forbidden = [secret, secret[4..], secret[4..24], Convert.ToHexString(hash), Convert.ToBase64String(hash)];
            foreach (string text in evidence)
            {
                foreach (string needle in forbidden)
                {
                    Assert.DoesNotContain(needle, text, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
    }

    private static async Task<string> FailureAsync(TokenTestHost ca, string secret, string? csr = null)
    {
        var error = await Assert.ThrowsAsync<PkiException>(() => ca.RedeemAsync(secret, csr ?? TokenTestHost.Csr()));
        return error.ToString() + error.Message + error.Code;
    }

    /// <summary>Keeps every formatted log line and every structured value.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                owner._lines.Enqueue("scope " + state);
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => p.Key + "=" + p.Value)) : "";
                owner._lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
