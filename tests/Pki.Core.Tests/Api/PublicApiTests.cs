using System.Reflection;

namespace Pki.Core.Tests.Api;

public sealed class PublicApiTests
{
    private static readonly Assembly[] Assemblies = [typeof(ICertificateAuthority).Assembly, typeof(PkiOptions).Assembly];

    [Fact]
    public void No_bouncycastle_type_appears_in_a_public_signature()
    {
        var offenders = new List<string>();
        foreach (var type in Assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            Check(type.BaseType, $"{type} base");
            foreach (var implemented in type.GetInterfaces())
            {
                Check(implemented, $"{type} implements");
            }

            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                switch (member)
                {
                    case MethodInfo method:
                        Check(method.ReturnType, $"{type}.{method.Name} returns");
                        foreach (var parameter in method.GetParameters())
                        {
                            Check(parameter.ParameterType, $"{type}.{method.Name}({parameter.Name})");
                        }

                        break;
                    case ConstructorInfo constructor:
                        foreach (var parameter in constructor.GetParameters())
                        {
                            Check(parameter.ParameterType, $"{type} ctor({parameter.Name})");
                        }

                        break;
                    case PropertyInfo property:
                        Check(property.PropertyType, $"{type}.{property.Name}");
                        break;
                    case FieldInfo field:
                        Check(field.FieldType, $"{type}.{field.Name}");
                        break;
                }
            }
        }

        Assert.Empty(offenders);

        void Check(Type? candidate, string where)
        {
            if (candidate is null)
            {
                return;
            }

            if (candidate.Namespace?.StartsWith("Org.BouncyCastle", StringComparison.Ordinal) == true)
            {
                offenders.Add(where + ": " + candidate);
            }

            foreach (var argument in candidate.IsGenericType ? candidate.GetGenericArguments() : [])
            {
                Check(argument, where);
            }

            if (candidate.HasElementType)
            {
                Check(candidate.GetElementType(), where);
            }
        }
    }

    [Fact]
    public void The_public_surface_is_small_and_deliberate()
    {
        // Everything the engine needs besides these is internal; a new public type should be a conscious choice.
        var engine = typeof(PkiOptions).Assembly.GetExportedTypes().Select(t => t.FullName).Order().ToArray();
        Assert.Equal(
            [
                "Pki.Core.CertificateProfile",
                "Pki.Core.CsrLimits",
                "Pki.Core.DependencyInjection.PkiServiceCollectionExtensions",
                "Pki.Core.EnrollmentPolicy",
                "Pki.Core.KeyPolicyOptions",
                "Pki.Core.PkiOptions",
                "Pki.Core.SubjectAlternativeNameTypes",
                "Pki.Core.TidyOptions",
                "Pki.Core.ValidityNesting",
            ],
            engine.Where(n => !n!.Contains("Token", StringComparison.Ordinal) && !n.Contains("Revocation", StringComparison.Ordinal) && !n.Contains("Ocsp", StringComparison.Ordinal) && !n.Contains("Crl", StringComparison.Ordinal)));
    }
}
