using Pki.Core;

namespace Pki.CaServer.Http;

/// <summary>Route segments that name a CA (frontdoorId, zone_id, ca_id, the publication routes): a CA id, or else a CA name.</summary>
public static class CaKey
{
    /// <summary>A CA id is 32 lower-case hex characters; anything else is taken as a name (scoped by the library to the caller's organization).</summary>
    public static CaReference Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return IsId(key) ? CaReference.ById(key) : ByName(key);
    }

    /// <summary>True for 32 lower-case hex characters.</summary>
    public static bool IsId(string key) => key.Length == 32 && key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary><see cref="CaReference.ById"/> for an id from a request: a blank one names no CA (404, not an <see cref="ArgumentException"/>).</summary>
    public static CaReference ById(string id) => string.IsNullOrWhiteSpace(id) ? throw NotFound(id) : CaReference.ById(id);

    /// <summary><see cref="CaReference.ByName"/> for a name from a request: a blank one names no CA (404, not an <see cref="ArgumentException"/>).</summary>
    public static CaReference ByName(string name) => string.IsNullOrWhiteSpace(name) ? throw NotFound(name) : CaReference.ByName(name);

    private static PkiException NotFound(string key) => new(PkiErrorCode.AuthorityNotFound, $"CA '{key}' does not exist.");
}
