using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Pki.CaServer.Http;

/// <summary>
/// The two JSON dialects of the seeds: snake_case (zone and certificates APIs) and camelCase (frontdoor tokens). A body
/// that names a property twice (also in another case: <c>csr</c> and <c>CSR</c>) is refused rather than letting the last
/// one win, so a proxy or log that reads the first sees what the server acts on.
/// </summary>
public static class Json
{
    /// <summary>snake_case names (seeds 001, 003, 004).</summary>
    public static JsonSerializerOptions SnakeCase { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict, // a number in quotes is the wrong type (the Web defaults read it)
    };

    /// <summary>camelCase names (seed 000).</summary>
    public static JsonSerializerOptions CamelCase { get; } = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>An instant as the seeds write it: <c>2033-02-20T23:18:00Z</c>.</summary>
    public static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a JSON body of at most the configured size: 413 above it, 400 for malformed JSON or a missing body.</summary>
    public static Task<T> ReadBodyAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        return ReadBodyAsync(request, TypeInfo<T>(options), cancellationToken);
    }

    /// <summary>Like <see cref="ReadBodyAsync{T}(HttpRequest, JsonSerializerOptions, CancellationToken)"/>, with the metadata of <typeparamref name="T"/> given (compile-time metadata on the hot path).</summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return await ReadOptionalBodyAsync(request, typeInfo, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpProblemException("A JSON body is required.");
    }

    /// <summary>Like <see cref="ReadBodyAsync{T}(HttpRequest, JsonSerializerOptions, CancellationToken)"/>, but an empty body gives null.</summary>
    public static Task<T?> ReadOptionalBodyAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        return ReadOptionalBodyAsync(request, TypeInfo<T>(options), cancellationToken);
    }

    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MakeReadOnly(populateMissingResolver: true); // what JsonSerializer does on first use; the options are never changed after
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    private static async Task<T?> ReadOptionalBodyAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body = await ReadBytesAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw new HttpProblemException("A JSON object is required.");
        }
        catch (JsonException)
        {
            throw new HttpProblemException("The body is not valid JSON of the expected shape.");
        }
    }

    /// <summary>Reads the raw body, bounded by the configured limit (413 above it).</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long limit = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.CaServerOptions>>().Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        if (request.ContentLength is long length and > 0)
        {
            // The usual case (Content-Length known and within the limit): one array of exactly that size, no copies.
            byte[] body = new byte[length];
            int filled = 0;
            while (filled < body.Length)
            {
                int count = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    throw new HttpProblemException("The request body is shorter than its Content-Length.");
                }

                filled += count;
            }

            return body;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static HttpProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {limit.ToString(CultureInfo.InvariantCulture)} bytes.");
}
