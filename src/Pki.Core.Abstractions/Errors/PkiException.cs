namespace Pki.Core;

/// <summary>
/// The one exception type Pki.Core throws for bad input from the outside world (a CSR, a PEM, a token) and for
/// requests that conflict with the current state. Programmer mistakes (a null argument) stay
/// <see cref="ArgumentException"/>.
/// </summary>
/// <remarks>Messages never contain private keys or token secrets, so a host may show them to the caller.</remarks>
public class PkiException : Exception
{
    /// <summary>Creates an exception with a stable <paramref name="code"/> and a human-readable message.</summary>
    public PkiException(PkiErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates an exception that wraps the lower-level exception that revealed the problem.</summary>
    public PkiException(PkiErrorCode code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The stable error code.</summary>
    public PkiErrorCode Code { get; }

    /// <summary>The HTTP status a host should answer with (see <see cref="PkiErrorCodeExtensions.ToHttpStatusCode"/>).</summary>
    public int HttpStatusCode => Code.ToHttpStatusCode();
}
