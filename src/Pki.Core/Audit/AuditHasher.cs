using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pki.Core.Audit;

/// <summary>
/// The hash of an audit event: SHA-256 over every field in a fixed order, each length-prefixed so that no two
/// different events serialize alike, followed by the previous event's hash.
/// </summary>
/// <remarks>The serialization is part of every stored log (logs of earlier versions must still verify): never change it.</remarks>
internal static class AuditHasher
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // Two 64-bit numbers, then ten strings each with a 32-bit length (-1 for null) and at most 3 UTF-8 bytes per UTF-16 unit.
    private const int FixedSize = 2 * sizeof(long) + 10 * sizeof(int);

    public static string Compute(AuditEvent e)
    {
        string outcome = e.Outcome.ToString();
        string? errorCode = e.ErrorCode?.ToString();
        int size = FixedSize + MaxBytes(e.Actor) + MaxBytes(e.ActorOrganization) + MaxBytes(e.Action) + MaxBytes(e.ObjectType)
            + MaxBytes(e.ObjectId) + MaxBytes(e.AuthorityId) + MaxBytes(outcome) + MaxBytes(errorCode) + MaxBytes(e.CorrelationId)
            + MaxBytes(e.PreviousHash);

        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var span = buffer.AsSpan();
            int length = 0;
            BinaryPrimitives.WriteInt64BigEndian(span[length..], e.Sequence);
            length += sizeof(long);
            BinaryPrimitives.WriteInt64BigEndian(span[length..], e.Timestamp.UtcTicks);
            length += sizeof(long);
            length += Append(span[length..], e.Actor);
            length += Append(span[length..], e.ActorOrganization);
            length += Append(span[length..], e.Action);
            length += Append(span[length..], e.ObjectType);
            length += Append(span[length..], e.ObjectId);
            length += Append(span[length..], e.AuthorityId);
            length += Append(span[length..], outcome);
            length += Append(span[length..], errorCode);
            length += Append(span[length..], e.CorrelationId);
            length += Append(span[length..], e.PreviousHash);

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(span[..length], digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int MaxBytes(string? value) => value is null ? 0 : Encoding.UTF8.GetMaxByteCount(value.Length);

    /// <summary>Writes the value's UTF-8 length (or -1 for null) and bytes; returns how many bytes it wrote.</summary>
    private static int Append(Span<byte> destination, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination, -1);
            return sizeof(int);
        }

        int written = Encoding.UTF8.GetBytes(value, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32BigEndian(destination, written);
        return sizeof(int) + written;
    }
}
