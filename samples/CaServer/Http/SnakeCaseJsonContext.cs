using System.Text.Json;
using System.Text.Json.Serialization;
using Pki.CaServer.Routes;

namespace Pki.CaServer.Http;

/// <summary>
/// Compile-time JSON metadata for the hot path of the certificates API (sign-csr): its request body and the certificate
/// response. The same names and rules as <see cref="Json.SnakeCase"/>; without a dictionary key policy (neither type has a
/// dictionary), so that System.Text.Json writes the response with the generated serializer instead of its converters.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowDuplicateProperties = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CertificateResponse))]
[JsonSerializable(typeof(CertificateRoutes.SignCsrBody))]
internal sealed partial class SnakeCaseJsonContext : JsonSerializerContext;
