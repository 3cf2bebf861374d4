namespace Pki.Core;

/// <summary>Makes record ids: time-ordered UUIDv7 in 32 lower-case hex characters (the seed APIs' maxLength 32).</summary>
internal sealed class IdGenerator(TimeProvider time)
{
    public string NewId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
}
