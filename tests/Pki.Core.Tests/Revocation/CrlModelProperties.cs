using FsCheck.Xunit;
using Pki.Core.Tests.TestSupport;

namespace Pki.Core.Tests.Revocation;

/// <summary>
/// Model-based: any sequence of revoke / hold / reactivate operations, interleaved with full and delta CRLs, leaves
/// every CRL consistent with a simple model of the statuses, and CRL numbers strictly increase.
/// </summary>
public sealed class CrlModelProperties
{
    private const int Certificates = 4;

    [Property(MaxTest = 60)]
    public async Task Any_operation_sequence_keeps_CRLs_consistent_with_the_statuses((byte Certificate, byte Operation)[] operations)
    {
        var clock = PkiTestHost.FakeClock();
        using var pki = await RevocationFixture.CreateAsync(time: clock);
        var issuing = CaReference.ById(pki.Issuing.Id);
        var issued = new List<IssuedCertificate>();
        for (int i = 0; i < Certificates; i++)
        {
            issued.Add(await pki.IssueClientAsync($"user{i}@example.com"));
        }

        var model = new Dictionary<string, int>(StringComparer.Ordinal); // serial -> published reason code
        Dictionary<string, int>? baseEntries = null;
        long lastNumber = 0;
        foreach (var (certificateIndex, operation) in operations.Take(40))
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var certificate = issued[certificateIndex % Certificates];
            string serial = certificate.Record.SerialNumberHex;
            int? current = model.TryGetValue(serial, out int reason) ? reason : null;
            switch (operation % 6)
            {
                case 0:
                case 3:
                    var requested = operation % 6 == 0 ? RevocationReason.KeyCompromise : RevocationReason.Superseded;
                    await Expect(current is null or 6, () => pki.RevokeAsync(certificate, requested), PkiErrorCode.AlreadyRevoked);
                    if (current is null or 6)
                    {
                        model[serial] = (int)requested;
                    }

                    break;
                case 1:
                    await Expect(current is null, () => pki.RevokeAsync(certificate, RevocationReason.CertificateHold), PkiErrorCode.AlreadyRevoked);
                    if (current is null)
                    {
                        model[serial] = 6;
                    }

                    break;
                case 2:
                    await Expect(current == 6, () => pki.ReactivateAsync(certificate), current is null ? PkiErrorCode.Conflict : PkiErrorCode.AlreadyRevoked);
                    if (current == 6)
                    {
                        model.Remove(serial);
                    }

                    break;
                case 4:
                    var full = await pki.Revocation.CreateCrlAsync(issuing);
                    var fullContents = CrlContents.Read(full.Der);
                    Assert.True(full.Number > lastNumber);
                    lastNumber = full.Number;
                    Assert.Null(fullContents.BaseNumber);
                    baseEntries = fullContents.Entries.ToDictionary(e => e.Key, e => e.Value.Reason ?? 0, StringComparer.Ordinal);
                    Assert.Equal(Sorted(model), Sorted(baseEntries));
                    break;
                default:
                    var delta = await pki.Revocation.CreateDeltaCrlAsync(issuing);
                    var deltaContents = CrlContents.Read(delta.Der);
                    Assert.True(delta.Number > lastNumber);
                    if (baseEntries is null)
                    {
                        // The delta created its own base first, from the current statuses.
                        Assert.Equal(delta.Number - 1, delta.BaseCrlNumber);
                        baseEntries = new Dictionary<string, int>(model, StringComparer.Ordinal);
                    }

                    lastNumber = delta.Number;
                    var applied = new Dictionary<string, int>(baseEntries, StringComparer.Ordinal);
                    foreach (var entry in deltaContents.Entries.Values)
                    {
                        if (entry.Reason == (int)RevocationReason.RemoveFromCrl)
                        {
                            applied.Remove(entry.Serial);
                        }
                        else
                        {
                            applied[entry.Serial] = entry.Reason ?? 0;
                        }
                    }

                    Assert.Equal(Sorted(model), Sorted(applied));
                    break;
            }
        }

        foreach (var certificate in issued)
        {
            var status = (await pki.Revocation.GetStatusAsync(CertificateReference.ById(certificate.Record.Id))).Status;
            int? expected = model.TryGetValue(certificate.Record.SerialNumberHex, out int r) ? r : null;
            Assert.Equal(expected switch { null => CertificateStatus.Active, 6 => CertificateStatus.OnHold, _ => CertificateStatus.Revoked }, status);
        }
    }

    private static async Task Expect(bool allowed, Func<Task> operation, PkiErrorCode code)
    {
        if (allowed)
        {
            await operation();
        }
        else
        {
            var ex = await Assert.ThrowsAsync<PkiException>(operation);
            Assert.Equal(code, ex.Code);
        }
    }

    private static List<string> Sorted(Dictionary<string, int> entries) =>
        entries.Select(e => $"{e.Key}:{e.Value}").Order(StringComparer.Ordinal).ToList();
}
