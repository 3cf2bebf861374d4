using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pki.Core.Audit;

/// <summary>
/// The hash of an audit event: SHA-256 over every field in a fixed order, each length-prefixed so that no two
/// different events serialize alike, followed by the previous event's hash.
/// </summary>
internal static class AuditHasher
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(AuditEvent e)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, e.Sequence);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, e.Timestamp.UtcTicks);
        hash.AppendData(number);
        Append(hash, e.Actor);
        Append(hash, e.ActorOrganization);
        Append(hash, e.Action);
        Append(hash, e.ObjectType);
        Append(hash, e.ObjectId);
        Append(hash, e.AuthorityId);
        Append(hash, e.Outcome.ToString());
        Append(hash, e.ErrorCode?.ToString());
        Append(hash, e.CorrelationId);
        Append(hash, e.PreviousHash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
