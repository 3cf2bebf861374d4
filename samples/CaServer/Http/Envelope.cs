using System.Text.Json.Serialization;

namespace Pki.CaServer.Http;

/// <summary>One entry of <c>errors</c> or <c>messages</c> (seed 004).</summary>
public sealed record EnvelopeMessage(int Code, string Message);

/// <summary>Paging of a list (seed 001): page, per_page, count, total_count.</summary>
public sealed record ResultInfo(int Page, int PerPage, int Count, int TotalCount);

/// <summary>The <c>{errors, messages, success, result}</c> envelope of the zone client-certificate API (seeds 001/004).</summary>
public sealed record Envelope<T>(
    IReadOnlyList<EnvelopeMessage> Errors,
    IReadOnlyList<EnvelopeMessage> Messages,
    bool Success,
    T? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResultInfo? ResultInfo);

/// <summary>Builds envelopes.</summary>
public static class Envelope
{
    /// <summary>A success carrying <paramref name="result"/>.</summary>
    public static Envelope<T> Success<T>(T result, ResultInfo? info = null) => new([], [], true, result, info);

    /// <summary>A failure with one error.</summary>
    public static Envelope<object> Failure(int code, string message) => new([new EnvelopeMessage(code, message)], [], false, null, null);
}
