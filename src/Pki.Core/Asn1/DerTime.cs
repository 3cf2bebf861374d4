using System.Formats.Asn1;

namespace Pki.Core.Asn1;

/// <summary>Time values as RFC 5280 section 4.1.2.5 requires: UTCTime through 2049, GeneralizedTime from 2050, whole seconds, UTC.</summary>
internal static class DerTime
{
    public static void Write(AsnWriter writer, DateTimeOffset value)
    {
        value = TruncateToSecond(value);
        if (value.Year is >= 1950 and < 2050)
        {
            writer.WriteUtcTime(value);
        }
        else
        {
            writer.WriteGeneralizedTime(value, omitFractionalSeconds: true);
        }
    }

    public static DateTimeOffset TruncateToSecond(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
