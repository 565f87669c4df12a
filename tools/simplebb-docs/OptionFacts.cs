using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SimpleBB.Docs;

/// <summary>
/// What the pages say about one option, read from its definition: the spellings, the value it takes, the
/// environment variable (from the "[env: X]" its description ends with), and its built-in default.
/// </summary>
public sealed partial record OptionFacts(string[] Spellings, string? ValueName, string Description, string? Environment, string? Default,
    ValueKind Kind)
{
    public static OptionFacts Of(Option option)
    {
        // Short spellings first, as --help shows them; "/h" and "-?" are Windows habits not worth documenting.
        var spellings = option.Aliases.Append(option.Name).Where(a => a.StartsWith('-') && a != "-?").Distinct()
            .OrderBy(a => a.StartsWith("--", StringComparison.Ordinal)).ThenBy(a => a, StringComparer.Ordinal).ToArray();
        var takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        var description = option.Description ?? "";
        string? environment = null;
        if (EnvSuffix().Match(description) is { Success: true } env)
        {
            environment = env.Groups[1].Value + env.Groups[2].Value;
            description = description[..env.Index];
        }
        return new OptionFacts(spellings, takesValue ? option.HelpName ?? "value" : null, description.TrimEnd(), environment,
            takesValue ? DefaultOf(option) : null, takesValue ? KindOf(option.Name) : ValueKind.None);
    }

    /// <summary>
    /// The built-in default as text. The generator runs with HOME=~ and no SIMPLEBB_* variables, so a path reads
    /// "~/.simplebb/…" and nothing of the machine that generated the page leaks in (the host name is named as such).
    /// </summary>
    private static string? DefaultOf(Option option)
    {
        if (!option.HasDefaultValue)
        {
            return null;
        }
        return option.GetDefaultValue() switch
        {
            string text when text.Length == 0 => null,
            string text when text == System.Environment.MachineName => "the host name",
            IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
            { } value => value.ToString(),
            null => null,
        };
    }

    /// <summary>What a shell should offer as this option's value; named by convention, as the options are.</summary>
    private static ValueKind KindOf(string name) => name switch
    {
        "--scripts" or "--data-dir" => ValueKind.Directory,
        "--host" or "--listen" => ValueKind.HostName,
        _ when name.EndsWith("-file", StringComparison.Ordinal) || name is "--tls-cert" or "--tls-key" or "--tls-ca" => ValueKind.File,
        _ => ValueKind.Other,
    };

    [GeneratedRegex(@"\s*\[env: ([A-Z_]+)(=1)?\]\s*$")]
    private static partial Regex EnvSuffix();
}
