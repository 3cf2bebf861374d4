namespace Pki.Core;

/// <summary>What one tidy pass removed.</summary>
public sealed record TidyReport
{
    /// <summary>Certificates removed.</summary>
    public required int CertificatesRemoved { get; init; }

    /// <summary>Escrowed private keys removed with them (keys that only removed certificates referenced).</summary>
    public required int PrivateKeysRemoved { get; init; }

    /// <summary>
    /// CA and OCSP responder signing keys removed that nothing referenced for longer than the grace period (left by a CA
    /// creation, CA import or responder issuance that failed after storing its key, or by a replaced responder).
    /// </summary>
    public int UnreferencedKeysRemoved { get; init; }

    /// <summary>Request tokens removed.</summary>
    public required int TokensRemoved { get; init; }

    /// <summary>Superseded CRLs removed.</summary>
    public required int CrlsRemoved { get; init; }

    /// <summary>Store batches run, of every kind (each one transaction; certificates are purged CA by CA, so at least one
    /// per CA).</summary>
    public required int Batches { get; init; }

    /// <summary>True when a kind hit the batch bound with its last batch full or before it had examined every CA's
    /// certificates, or when the pass was cancelled after its first batch: more may be left for the next pass.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>When the pass started (the instant retention periods were measured from).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the pass finished.</summary>
    public required DateTimeOffset FinishedAt { get; init; }
}
