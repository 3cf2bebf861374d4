using System.Diagnostics;
using System.Reflection;

namespace Pki.Storage.Sqlite.Tests.TestSupport;

/// <summary>Starts the second process of the multi-process tests (<c>Pki.Storage.Sqlite.Tests.Worker</c>).</summary>
public static class WorkerProcess
{
    /// <summary>Starts the worker with <paramref name="arguments"/>, standard input and output redirected, its errors
    /// copied to this process's standard error.</summary>
    public static Process Start(params string[] arguments)
    {
        string workerAssembly = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WorkerAssembly").Value!;
        Assert.True(File.Exists(workerAssembly), $"The worker is not built at {workerAssembly}.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(workerAssembly));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
        process.ErrorDataReceived += (_, e) => Console.Error.WriteLine(e.Data);
        process.BeginErrorReadLine();
        return process;
    }
}
