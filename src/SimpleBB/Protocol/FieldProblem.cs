using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace SimpleBB.Protocol;

/// <summary>
/// Says what is wrong with a message in protocol terms ("field durationMs: expected an integer") instead of passing on
/// System.Text.Json's own text, which names .NET types and is no help to someone writing a peer in another language.
/// </summary>
internal static partial class FieldProblem
{
    public static string Describe(JsonTypeInfo info, Exception ex)
    {
        if (MissingRequired().Match(ex.Message) is { Success: true } missing)
        {
            var names = QuotedName().Matches(missing.Groups[1].Value).Select(m => m.Groups[1].Value).ToArray();
            return names.Length == 1 ? $"required field {names[0]} is missing" : $"required fields {string.Join(", ", names)} are missing";
        }
        var path = (ex as JsonException)?.Path?.TrimStart('$').TrimStart('.');
        if (string.IsNullOrEmpty(path))
        {
            return ex is InvalidOperationException ? "a string is not valid text (a lone surrogate escape?)" : "not the shape this message type has";
        }
        var expected = Expected(info, path);
        if (ex.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && expected is not "true, false or null")
        {
            return $"field {path} must not be null{(expected is null ? "" : $" (expected {expected})")}";
        }
        return expected is null ? $"field {path} has the wrong type" : $"field {path}: expected {expected}";
    }

    /// <summary>What the field at <paramref name="path"/> (e.g. "uname.sysname", "scripts[2].sha256") should hold.</summary>
    private static string? Expected(JsonTypeInfo info, string path)
    {
        Type? type = null;
        var current = info;
        foreach (var segment in path.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = current?.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return null;
            }
            type = property.PropertyType;
            if (segment.Contains('[') && type.IsArray)
            {
                type = type.GetElementType()!;
            }
            current = info.Options.TryGetTypeInfo(type, out var next) ? next : null;
        }
        return type is null ? null : Describe(type);
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "a string"
            : type == typeof(int) || type == typeof(long) ? "an integer"
            : type == typeof(bool) ? "true, false or null"
            : type == typeof(DateTimeOffset) ? "an ISO 8601 time string"
            : type.IsArray ? "an array"
            : "an object";
    }

    [GeneratedRegex(@"missing required properties including: (.*)$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex QuotedName();
}
