using System.Runtime.CompilerServices;

namespace Pki.Core.Storage.InMemory;

/// <summary>An <see cref="ICertificateStore"/> in process memory; thread-safe, O(log n) paging by id.</summary>
internal sealed class InMemoryCertificateStore : ICertificateStore
{
    private readonly Lock _gate = new();
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CertificateRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AuthorityId, SerialNumber Serial), string> _bySerial = [];

    public ValueTask AddAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var serialKey = (certificate.CertificateAuthority.Id, certificate.SerialNumber);
        lock (_gate)
        {
            if (_bySerial.ContainsKey(serialKey))
            {
                throw new PkiException(PkiErrorCode.DuplicateSerialNumber,
                    $"CA '{certificate.CertificateAuthority.Id}' already has a certificate with serial number {certificate.SerialNumberHex}.");
            }

            if (_byId.ContainsKey(certificate.Id))
            {
                throw new PkiException(PkiErrorCode.Conflict, $"A certificate with id '{certificate.Id}' already exists.");
            }

            _byId.Add(certificate.Id, certificate);
            _bySerial.Add(serialKey, certificate.Id);
            _ids.Add(certificate.Id);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<CertificateRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(id));
        }
    }

    public ValueTask<CertificateRecord?> FindBySerialNumberAsync(string authorityId, SerialNumber serialNumber, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_bySerial.TryGetValue((authorityId, serialNumber), out string? id) ? _byId[id] : null);
        }
    }

    public async IAsyncEnumerable<CertificateRecord> QueryAsync(CertificateQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested(); // also when no record matches
        var page = new List<CertificateRecord>(Math.Min(query.Limit, 128));
        lock (_gate)
        {
            IEnumerable<string> ids = query.After is null || _ids.Count == 0
                ? _ids
                : string.CompareOrdinal(query.After, _ids.Max) >= 0 ? [] : _ids.GetViewBetween(query.After, _ids.Max!);
            foreach (string id in ids)
            {
                if (page.Count == query.Limit)
                {
                    break;
                }

                var record = _byId[id];
                if (id != query.After && query.Matches(record))
                {
                    page.Add(record);
                }
            }
        }

        foreach (var record in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
