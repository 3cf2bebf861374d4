namespace Pki.Core;

/// <summary>
/// For store implementations: the one rule for values no store can hold exactly, so that every provider refuses or
/// ignores them alike instead of failing inside its driver (PostgreSQL <c>text</c> refuses U+0000; UTF-8 encoding
/// refuses or silently replaces an unpaired surrogate).
/// </summary>
/// <remarks>
/// <para>Writes: a value a store would keep (a record field, a CRL's CA id) that contains U+0000 or an unpaired
/// surrogate, or an enum member that is not defined, is refused with <see cref="PkiException"/>
/// <see cref="PkiErrorCode.InvalidRequest"/> naming the member, before anything is written.</para>
/// <para>Length: every store indexes some text (ids, CA ids, names, organizations, fingerprints, audit actors, actions
/// and object ids), and PostgreSQL refuses an index entry over about 2,700 bytes. So the text of one index entry is at
/// most <see cref="MaximumIndexedLength"/> (512) characters — at most 1,536 bytes in UTF-8, well below that limit: each
/// indexed member alone, and the two members one index combines together (a record's id with its CA id or owner
/// organization, a CA's id with its organization or parent id, a CA's organization with its name). A longer value is
/// refused on writes with <see cref="PkiErrorCode.InvalidRequest"/> naming the member(s), before anything is written;
/// a lookup or filter with one finds nothing. The core never comes near the bound: its ids are 32 characters, names and
/// organizations at most 200, caller subjects (audit actors) at most 512.</para>
/// <para>Reads: a value that cannot be stored matches nothing in a lookup or an equality filter (null, an empty page,
/// not found). A keyset cursor (<c>After</c>) with one is refused, since it names no position stores agree on.</para>
/// </remarks>
public static partial class StoreInputRules
{
    /// <summary>
    /// The most characters of text one index entry holds: an indexed member alone, or the two members one index
    /// combines together (see the remarks of <see cref="StoreInputRules"/>). 512 characters are at most 1,536 bytes in
    /// UTF-8, so every store can index them (PostgreSQL refuses a B-tree entry over about 2,700 bytes).
    /// </summary>
    public const int MaximumIndexedLength = 512;

    /// <summary>The length of a <see cref="StoredRequestToken.SecretHash"/> and of a non-empty
    /// <see cref="StoredPrivateKey.EscrowIndex"/>: a SHA-256 hash, 32 bytes.</summary>
    public const int HashLength = 32;

    /// <summary>True when every store can hold <paramref name="value"/> exactly and index it: <see cref="IsStorable">storable</see>
    /// and at most <see cref="MaximumIndexedLength"/> characters (null is indexable).</summary>
    public static bool IsIndexable(string? value) => value is null || (value.Length <= MaximumIndexedLength && IsStorable(value));

    /// <summary>Throws unless <paramref name="value"/> <see cref="IsIndexable">is indexable</see>: for text a store keeps
    /// as (part of) a key, such as the CA id of <see cref="IRevocationStore.NextCrlNumberAsync"/>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="member">What it is, as the message names it.</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the text contains U+0000 or an
    /// unpaired surrogate, or is longer than <see cref="MaximumIndexedLength"/> characters.</exception>
    public static void ThrowIfNotIndexable(string? value, string member)
    {
        ThrowIfNotStorable(value, member);
        if (value is not null && value.Length > MaximumIndexedLength)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"{member} is {value.Length} characters long; stores index it, and an index entry holds at most {MaximumIndexedLength} characters.");
        }
    }

    /// <summary>True when every store can hold <paramref name="value"/> exactly: null, or text without U+0000 and without
    /// an unpaired surrogate.</summary>
    public static bool IsStorable(string? value)
    {
        if (value is null)
        {
            return true;
        }

        ReadOnlySpan<char> text = value;
        if (text.Contains('\0'))
        {
            return false;
        }

        int i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return true;
        }

        for (; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="value"/> <see cref="IsStorable">is storable</see>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="member">What it is, as the message names it (for example <c>CertificateQuery.After</c>).</param>
    /// <exception cref="PkiException"><see cref="PkiErrorCode.InvalidRequest"/> when the text contains U+0000 or an unpaired surrogate.</exception>
    public static void ThrowIfNotStorable(string? value, string member)
    {
        if (!IsStorable(value))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{member} contains U+0000 or an unpaired surrogate, which no store can hold.");
        }
    }

    private static void Text(string? value, string member) => ThrowIfNotStorable(value, member);

    private static void Key(string? value, string member) => ThrowIfNotIndexable(value, member);

    /// <summary>Two members one index combines: together at most <see cref="MaximumIndexedLength"/> characters.</summary>
    private static void Keys(string? first, string? second, string members)
    {
        int length = (first?.Length ?? 0) + (second?.Length ?? 0);
        if (length > MaximumIndexedLength)
        {
            throw new PkiException(PkiErrorCode.InvalidRequest,
                $"{members} are {length} characters long together; stores index them in one entry, which holds at most {MaximumIndexedLength} characters.");
        }
    }

    private static void Texts(IReadOnlyList<string>? values, string member)
    {
        if (values is null)
        {
            return;
        }

        foreach (string value in values)
        {
            Text(value, member);
        }
    }

    private static void Name(DistinguishedName? name, string member)
    {
        if (name is null)
        {
            return;
        }

        foreach (var component in name.Components)
        {
            Text(component.Oid, member);
            Text(component.Value, member);
        }
    }

    private static bool IsDefined<T>(T? value)
        where T : struct, Enum => value is not { } v || Enum.IsDefined(v);

    private static void Defined<T>(T value, string member)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new PkiException(PkiErrorCode.InvalidRequest, $"{member} is not a defined {typeof(T).Name} value.");
        }
    }

    private static void Defined<T>(T? value, string member)
        where T : struct, Enum
    {
        if (value is { } v)
        {
            Defined(v, member);
        }
    }
}
