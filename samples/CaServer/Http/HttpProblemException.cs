namespace Pki.CaServer.Http;

/// <summary>An HTTP-level failure found by the host itself (no or bad API key, malformed JSON, a body too large).</summary>
public sealed class HttpProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HttpProblemException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public HttpProblemException()
        : this(StatusCodes.Status400BadRequest, "Bad request.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public HttpProblemException(string message)
        : this(StatusCodes.Status400BadRequest, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HttpProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = StatusCodes.Status400BadRequest;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }
}
