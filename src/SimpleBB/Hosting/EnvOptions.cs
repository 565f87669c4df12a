using System.CommandLine;
using System.CommandLine.Parsing;

namespace SimpleBB.Hosting;

/// <summary>
/// Builds options whose default comes from an environment variable, then a built-in value, so a service manager can
/// configure every daemon without a command line. A malformed variable is a usage error naming the variable.
/// </summary>
public static class EnvOptions
{
    public static Option<string> String(string name, string[] aliases, string env, Func<string> fallback, string description) =>
        new(name, aliases)
        {
            Description = $"{description} [env: {env}]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(env) is { Length: > 0 } value ? value : fallback(),
            HelpName = "value",
        };

    public static Option<int> Int(string name, string[] aliases, string env, int fallback, int min, int max, string description) =>
        new(name, aliases)
        {
            Description = $"{description} [env: {env}]",
            DefaultValueFactory = result => FromEnv(result, env, fallback, min, max),
            CustomParser = result => Parse(result, name, result.Tokens.Count > 0 ? result.Tokens[^1].Value : "", min, max),
            HelpName = "n",
        };

    public static Option<bool> Flag(string name, string env, string description) =>
        new(name)
        {
            Description = $"{description} [env: {env}=1]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(env) is "1" or "true" or "yes",
        };

    private static int FromEnv(ArgumentResult result, string env, int fallback, int min, int max)
    {
        var text = Environment.GetEnvironmentVariable(env);
        return string.IsNullOrEmpty(text) ? fallback : Parse(result, $"{env}=", text, min, max);
    }

    private static int Parse(ArgumentResult result, string what, string text, int min, int max)
    {
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }
        var separator = what.EndsWith('=') ? "" : " ";
        result.AddError($"{what}{separator}\"{text}\" is not a whole number from {min} to {max}");
        return min;
    }
}
