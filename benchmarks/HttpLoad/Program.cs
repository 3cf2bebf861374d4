// A small closed-loop HTTP load generator for sign-csr (docs/performance.md, "Over HTTP: CaServer vs cfssl").
//   HttpLoad gen-csrs <count> <file>        writes <count> fresh P-256 CSRs (PEM, one JSON array) to <file>
//   HttpLoad run --target caserver|cfssl --url URL --csrs FILE --clients N [--duration 10] [--warmup 2]
//                [--ca-name NAME] [--token KEY] [--label TEXT]
// Each of N workers sends one request at a time on its own keep-alive connection, cycling through the CSR pool.
// A request counts only when the status is 2xx and the body carries a PEM certificate; everything else is an error.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

if (args.Length >= 3 && args[0] == "gen-csrs")
{
    int count = int.Parse(args[1], CultureInfo.InvariantCulture);
    var pems = new List<string>(count);
    for (int i = 0; i < count; i++)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string cn = $"host{i}.bench.example";
        var request = new CertificateRequest($"CN={cn},O=Bench", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(cn);
        request.CertificateExtensions.Add(san.Build());
        pems.Add(request.CreateSigningRequestPem());
    }

    File.WriteAllText(args[2], JsonSerializer.Serialize(pems));
    Console.WriteLine($"wrote {count} P-256 CSRs to {args[2]}");
    return 0;
}

if (args.Length == 0 || args[0] != "run")
{
    Console.Error.WriteLine("usage: HttpLoad gen-csrs <count> <file> | HttpLoad run --target caserver|cfssl --url URL --csrs FILE --clients N [--duration s] [--warmup s] [--ca-name NAME] [--token KEY] [--label TEXT]");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string target = options["target"];
var url = new Uri(options["url"]);
int clients = int.Parse(options["clients"], CultureInfo.InvariantCulture);
double duration = double.Parse(options.GetValueOrDefault("duration", "10"), CultureInfo.InvariantCulture);
double warmup = double.Parse(options.GetValueOrDefault("warmup", "2"), CultureInfo.InvariantCulture);
string label = options.GetValueOrDefault("label", target);
string? token = options.GetValueOrDefault("token");
var csrs = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(options["csrs"]))!;

// Bodies are built once, before the clock starts.
byte[][] bodies = [.. csrs.Select(pem => JsonSerializer.SerializeToUtf8Bytes(target switch
{
    "cfssl" => new Dictionary<string, string> { ["certificate_request"] = pem, ["profile"] = "server" },
    "caserver" => new Dictionary<string, string> { ["csr"] = pem, ["certificate_type"] = "server", ["ca_name"] = options["ca-name"] },
    _ => throw new ArgumentException("target must be caserver or cfssl"),
}))];
// cfssl returns the PEM inside a JSON string, where '/' and newlines may be escaped; both contain this marker.
byte[] marker = "BEGIN CERTIFICATE"u8.ToArray();

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = clients,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
    AutomaticDecompression = DecompressionMethods.None,
};
using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

long start = Stopwatch.GetTimestamp();
long measureFrom = start + (long)(warmup * Stopwatch.Frequency);
long measureTo = measureFrom + (long)(duration * Stopwatch.Frequency);
var latencies = new List<long>[clients];
var errors = new int[clients];
var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

async Task Worker(int id)
{
    var mine = latencies[id] = new List<long>(capacity: 1 << 16);
    int next = id * 7919;
    while (true)
    {
        long t0 = Stopwatch.GetTimestamp();
        if (t0 >= measureTo)
        {
            return;
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, url);
        var content = new ByteArrayContent(bodies[next++ % bodies.Length]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Content = content;
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        bool ok;
        string status;
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead);
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            ok = response.IsSuccessStatusCode && body.AsSpan().IndexOf(marker) >= 0;
            status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            if (!ok && statuses.IsEmpty)
            {
                Console.Error.WriteLine($"[{label}] first failure: {status} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 400)))}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            ok = false;
            status = e.GetType().Name;
        }

        long t1 = Stopwatch.GetTimestamp();
        if (t0 >= measureFrom && t1 <= measureTo)
        {
            if (ok)
            {
                mine.Add(t1 - t0);
            }
            else
            {
                errors[id]++;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }
    }
}

await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => Worker(i))));

long[] all = [.. latencies.SelectMany(l => l)];
Array.Sort(all);
double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
double Percentile(double p) => all.Length == 0 ? double.NaN : Ms(all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)]);
int errorCount = errors.Sum();
double rps = all.Length / duration;
// One machine-readable line: label clients ok rps p50 p99 errors
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT\t{label}\t{clients}\t{all.Length}\t{rps:F0}\t{Percentile(0.50):F2}\t{Percentile(0.99):F2}\t{errorCount}\t{string.Join(',', statuses.Select(s => $"{s.Key}x{s.Value}"))}"));
return errorCount == 0 && all.Length > 0 ? 0 : 1;
