namespace Pki.Core;

/// <summary>Chooses a certificate authority either by id or by name within an organization.</summary>
public sealed record CaReference
{
    private CaReference(string? id, string? name, string? organization)
    {
        Id = id;
        Name = name;
        Organization = organization;
    }

    /// <summary>The CA id, when chosen by id.</summary>
    public string? Id { get; }

    /// <summary>The CA name, when chosen by name.</summary>
    public string? Name { get; }

    /// <summary>The organization the name is scoped to (null for CAs that belong to no organization).</summary>
    public string? Organization { get; }

    /// <summary>Chooses the CA with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null, empty or white space (a host taking it from a
    /// request should answer "not found" for such a value itself).</exception>
    public static CaReference ById(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new CaReference(id, null, null);
    }

    /// <summary>Chooses the CA named <paramref name="name"/> in <paramref name="organization"/>; names are unique per organization.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public static CaReference ByName(string name, string? organization = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new CaReference(null, name, organization);
    }

    /// <inheritdoc />
    public override string ToString() => Id is not null ? $"CA {Id}" : $"CA '{Name}'" + (Organization is null ? "" : $" in '{Organization}'");
}
