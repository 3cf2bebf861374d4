using Pki.Core;

namespace Pki.CaServer.Http;

/// <summary>Route segments that name a CA (frontdoorId, zone_id, ca_id, the publication routes): a CA id, or else a CA name.</summary>
public static class CaKey
{
    /// <summary>A CA id is 32 lower-case hex characters; anything else is taken as a name (scoped by the library to the caller's organization).</summary>
    public static CaReference Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return IsId(key) ? CaReference.ById(key) : CaReference.ByName(key);
    }

    /// <summary>True for 32 lower-case hex characters.</summary>
    public static bool IsId(string key) => key.Length == 32 && key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
