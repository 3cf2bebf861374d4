namespace Pki.Core;

/// <summary>
/// An answer to an OCSP request (RFC 6960): the DER OCSPResponse to send, and the times an HTTP host needs to let caches
/// keep it (RFC 5019 section 6.2: <c>Last-Modified</c> = <see cref="ThisUpdate"/>, <c>Expires</c> = <see cref="NextUpdate"/>).
/// </summary>
public sealed record OcspResponse
{
    /// <summary>The OCSPResponse in DER.</summary>
    public required ReadOnlyMemory<byte> Der { get; init; }

    /// <summary>The responseStatus. Only a <see cref="OcspResponseStatus.Successful"/> response is signed and carries times.</summary>
    public required OcspResponseStatus Status { get; init; }

    /// <summary>producedAt of a successful response; null otherwise.</summary>
    public DateTimeOffset? ProducedAt { get; init; }

    /// <summary>The latest thisUpdate of its SingleResponses (when the statuses were known to be correct); null unless successful.</summary>
    public DateTimeOffset? ThisUpdate { get; init; }

    /// <summary>The earliest nextUpdate of its SingleResponses (when newer statuses will be available); null unless successful.</summary>
    public DateTimeOffset? NextUpdate { get; init; }

    /// <summary>True when the response echoes the request's nonce: it answers that one request only.</summary>
    public bool HasNonce { get; init; }

    /// <summary>
    /// True when a shared HTTP cache may keep the response until <see cref="NextUpdate"/>: successful and without a nonce.
    /// Error responses and nonce-bearing ones should be sent uncacheable.
    /// </summary>
    public bool IsCacheable => Status == OcspResponseStatus.Successful && !HasNonce && NextUpdate is not null;

    /// <summary>A short summary; never the bytes.</summary>
    public override string ToString() =>
        $"OcspResponse {{ Status = {Status}, Length = {Der.Length}, ThisUpdate = {ThisUpdate:u}, NextUpdate = {NextUpdate:u}, HasNonce = {HasNonce} }}";
}
