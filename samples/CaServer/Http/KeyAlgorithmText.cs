using Pki.Core;

namespace Pki.CaServer.Http;

/// <summary>Reads a key_algorithm field: exactly one <see cref="KeyAlgorithm"/> name, any case.</summary>
internal static class KeyAlgorithmText
{
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> for anything else — a number, or a
    /// comma list, which <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would combine into another member.</exception>
    public static KeyAlgorithm Parse(string text)
    {
        foreach (var algorithm in Enum.GetValues<KeyAlgorithm>())
        {
            if (string.Equals(algorithm.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return algorithm;
            }
        }

        throw new PkiException(PkiErrorCode.InvalidRequest, $"Unknown key_algorithm '{text}'.");
    }
}
