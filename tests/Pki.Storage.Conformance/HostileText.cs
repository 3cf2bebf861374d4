using Pki.Core;

namespace Pki.Storage.Conformance;

/// <summary>
/// Text no store can hold exactly — U+0000 (PostgreSQL <c>text</c> refuses it) and unpaired surrogates (invalid UTF-16,
/// which UTF-8 encoding replaces or refuses) — and valid but unusual text every store must round-trip.
/// </summary>
/// <remarks>Theories pass the kind's name, not the text, so that test discovery never serializes invalid UTF-16.</remarks>
public static class HostileText
{
    /// <summary>The kinds of text a store must refuse on writes and find nothing for on lookups.</summary>
    public static IReadOnlyList<string> UnstorableKinds { get; } = ["NUL", "lone high surrogate", "lone low surrogate"];

    /// <summary>A value of the kind <paramref name="kind"/> (one of <see cref="UnstorableKinds"/>) built around <paramref name="text"/>.</summary>
    public static string Unstorable(string kind, string text = "x") => kind switch
    {
        "NUL" => text + "\0" + text,
        "lone high surrogate" => text + "\uD83D" + text,
        "lone low surrogate" => text + "\uDE00",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a hostile kind."),
    };

    /// <summary>The bound every store applies to the text of one index entry (<see cref="StoreInputRules.MaximumIndexedLength"/>).</summary>
    public const int IndexedBound = StoreInputRules.MaximumIndexedLength;

    /// <summary>
    /// Valid text of <paramref name="length"/> characters that no compression shrinks: CJK ideographs (3 bytes each in
    /// UTF-8) from a seeded xorshift generator, so that 1,000 of them make a 3,000-byte value, more than PostgreSQL puts
    /// in one B-tree index entry (about 2,700 bytes) even after trying to compress it.
    /// </summary>
    public static string LongText(int length, uint seed = 1)
    {
        uint state = seed * 2654435761u + 1;
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            chars[i] = (char)('\u4E00' + (state % 20_000));
        }

        return new string(chars);
    }

    /// <summary>Valid text that exercises encodings: a surrogate pair, U+FFFD, U+FFFF, a BOM, combining marks, a C0 and a C1 control, a backslash and quotes.</summary>
    public static string Unusual(string text = "x") => text + " \U0001F600 \uFFFD \uFFFF \uFEFF e\u0301 \u0001 \u0085 \\ ' \" %_ " + text;

    /// <summary>
    /// <paramref name="value"/> with every surrogate replaced by U+FFFD, as a replacing UTF-8 encoder stores it: a valid
    /// decoy that a lookup with <paramref name="value"/> must not find.
    /// </summary>
    public static string AsReplaced(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new string([.. value.Select(c => char.IsSurrogate(c) ? '\uFFFD' : c == '\0' ? '\uFFFD' : c)]);
    }

    /// <summary>Every (member, kind) pair for a theory over <paramref name="members"/> and <see cref="UnstorableKinds"/>.</summary>
    public static TheoryData<string, string> Cross(params string[] members)
    {
        var data = new TheoryData<string, string>();
        foreach (string member in members)
        {
            foreach (string kind in UnstorableKinds)
            {
                data.Add(member, kind);
            }
        }

        return data;
    }

    /// <summary>Every kind of <see cref="UnstorableKinds"/>, for a theory.</summary>
    public static TheoryData<string> Kinds() => [.. UnstorableKinds];

    /// <summary>
    /// Asserts that <paramref name="write"/> is refused with <see cref="PkiErrorCode.InvalidRequest"/> naming
    /// <paramref name="member"/> (nothing else is acceptable: not a provider exception, not a silent change of the text).
    /// </summary>
    public static async Task AssertRefusedAsync(Func<Task> write, string member)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(member);
        var refused = await Assert.ThrowsAsync<PkiException>(write);
        Assert.Equal(PkiErrorCode.InvalidRequest, refused.Code);
        Assert.Contains(member, refused.Message, StringComparison.Ordinal);
    }
}
