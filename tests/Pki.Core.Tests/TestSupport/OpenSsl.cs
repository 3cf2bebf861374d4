using System.Diagnostics;

namespace Pki.Core.Tests.TestSupport;

/// <summary>Runs the openssl command line on files in a temporary folder, for independent verification.</summary>
public sealed class OpenSsl : IDisposable
{
    public OpenSsl()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pki-openssl-").FullName;
    }

    public string Directory { get; }

    public string Write(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string Write(string name, byte[] content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("openssl hung");
        }

        return (process.ExitCode, stdout.Result + stderr);
    }

    /// <summary><c>openssl verify -x509_strict -purpose …</c> of a leaf against a root and intermediates.</summary>
    public (int ExitCode, string Output) Verify(string rootPem, string untrustedPem, string leafPem, string purpose, params string[] extra)
    {
        string root = Write("root.pem", rootPem);
        string untrusted = Write("untrusted.pem", untrustedPem);
        string leaf = Write("leaf.pem", leafPem);
        return Run(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", root, "-untrusted", untrusted, .. extra, leaf]);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
