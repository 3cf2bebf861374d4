using System.Collections;
using System.Text;

namespace Pki.Storage.Conformance;

/// <summary>For tests that look for a secret in what an error carries.</summary>
public static class ExceptionText
{
    /// <summary>An exception with its type, message, <c>ToString()</c>, <see cref="Exception.Data"/> and every inner exception
    /// (all of an <see cref="AggregateException"/>'s); null gives an empty string.</summary>
    public static string Describe(Exception? error)
    {
        var text = new StringBuilder();
        for (int depth = 0; error is not null && depth < 20; depth++)
        {
            text.Append(error.GetType().FullName).Append(": ").Append(error.Message).Append('\n').Append(error.ToString()).Append('\n');
            foreach (DictionaryEntry entry in error.Data)
            {
                text.Append(entry.Key).Append('=').Append(entry.Value).Append('\n');
            }

            if (error is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    text.Append(Describe(inner));
                }
            }

            error = error.InnerException;
        }

        return text.ToString();
    }
}
