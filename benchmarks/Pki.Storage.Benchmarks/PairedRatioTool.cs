using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pki.Core;
using Pki.Core.DependencyInjection;
using Pki.Storage.Sqlite;

namespace Pki.Storage.Benchmarks;

/// <summary>
/// "paired [rounds] [issuances]": the SQLite/in-memory throughput ratio at 8 callers, measured in pairs. On a shared VM
/// the CPU's speed drifts by tens of per cent within minutes, and the two stores feel it differently (in-memory issuance
/// is bound by the CPU, durable SQLite issuance partly by the disk), so a ratio of two numbers taken minutes apart — as
/// BenchmarkDotNet's separate processes take them — moves with the machine. Here each round measures both stores within
/// seconds of each other in one process, alternating which goes first, and the ratio is reported per round.
/// </summary>
internal static class PairedRatioTool
{
    private const int Callers = 8;
    private static readonly byte[] KeyEncryptionKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static async Task<int> RunAsync(int rounds, int issuances)
    {
        Console.WriteLine($"# SQLite (Durability = Full) vs in-memory, {Callers} callers, {issuances:N0} P-256 issuances per measurement");
        Console.WriteLine("round | first     | in-memory /s | SQLite /s | ratio | in-memory CPU µs | SQLite CPU µs");
        Console.WriteLine("---:|---|---:|---:|---:|---:|---:");
        var ratios = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            bool sqliteFirst = round % 2 == 1;
            var first = await MeasureAsync(sqlite: sqliteFirst, issuances);
            var second = await MeasureAsync(sqlite: !sqliteFirst, issuances);
            var (sqlite, sqliteCpu) = sqliteFirst ? first : second;
            var (memory, memoryCpu) = sqliteFirst ? second : first;
            ratios.Add(sqlite / memory);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{round} | {(sqliteFirst ? "SQLite" : "in-memory"),-9} | {memory,12:N0} | {sqlite,9:N0} | {sqlite / memory:F2} | {memoryCpu,16:F0} | {sqliteCpu,13:F0}"));
        }

        ratios.Sort();
        double median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nratio: median {median:F2}, range {ratios[0]:F2}–{ratios[^1]:F2} over {ratios.Count} rounds"));
        return 0;
    }

    /// <summary>
    /// Issuances per second at <see cref="Callers"/> callers on a fresh host (the second of two measurements), and the
    /// process's CPU time per issuance in µs (all threads: callers, the SQLite writer, the kernel's work for them).
    /// </summary>
    private static async Task<(double PerSecond, double CpuMicroseconds)> MeasureAsync(bool sqlite, int issuances)
    {
        string? directory = null;
        var services = new ServiceCollection();
        var pki = services.AddPki(options => options.KeyEncryptionKey = KeyEncryptionKey);
        if (sqlite)
        {
            directory = Directory.CreateTempSubdirectory("pki-paired-").FullName;
            pki.UseSqlite("Data Source=" + Path.Combine(directory, "pki.db"));
        }

        try
        {
            await using var provider = services.BuildServiceProvider();
            var signer = provider.GetRequiredService<ICsrSigner>();
            var ca = await StoreIssuanceBenchmarks.CreateIssuingCaAsync(provider.GetRequiredService<ICertificateAuthority>());
            var request = new SignCsrRequest
            {
                Authority = CaReference.ById(ca.Id),
                Profile = CertificateProfiles.Client,
                CsrPem = StoreIssuanceBenchmarks.NewCsrPem(),
                ValidityDays = 30,
            };

            await IssueAsync(signer, request, issuances); // warm-up: JIT tiers, caches, the first pages of the file
            return await IssueAsync(signer, request, issuances);
        }
        finally
        {
            if (directory is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<(double PerSecond, double CpuMicroseconds)> IssueAsync(ICsrSigner signer, SignCsrRequest request, int issuances)
    {
        int each = issuances / Callers;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < each; i++)
            {
                await signer.SignAsync(request).ConfigureAwait(false);
            }
        })));
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        return (each * Callers / seconds, cpu / (each * Callers));
    }
}
