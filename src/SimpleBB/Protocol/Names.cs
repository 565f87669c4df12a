using System.Text;

namespace SimpleBB.Protocol;

/// <summary>
/// Validation shared by suggest, server and builder. A project name becomes a file name on every builder and a
/// revision becomes a script argument, so both are checked on every side before they are used.
/// Each method returns null when the value is fine, or a sentence saying what is wrong.
/// </summary>
public static class Names
{
    public const int MaxProjectBytes = 100;
    public const int MaxRevisionBytes = 255;
    public const int MaxBuilderNameBytes = 100;

    /// <summary>A plain file name: no slash, no "..", no leading dot or dash, no control characters or spaces, at most 100 bytes.</summary>
    public static string? CheckProject(string? project) => CheckPlainName("project name", project, MaxProjectBytes);

    /// <summary>A builder name appears in every server.log line, so it follows the project rules.</summary>
    public static string? CheckBuilderName(string? name) => CheckPlainName("builder name", name, MaxBuilderNameBytes);

    /// <summary>A build id names files on the builder, so it is kept to letters, digits, '.', '_' and '-' (at most 64).</summary>
    public static string? CheckBuildId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || id[0] == '.' || id[0] == '-')
        {
            return "build id must be 1 to 64 characters and not start with '.' or '-'";
        }
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"build id \"{Printable(id)}\" may contain only letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }

    /// <summary>
    /// A free-text field that ends up in a log line (uname fields, runtime, versions): 1 to <paramref name="maxBytes"/>
    /// bytes of UTF-8, not only spaces, and no control characters, so no peer can forge or garble log lines.
    /// </summary>
    public static string? CheckText(string what, string? value, int maxBytes)
    {
        if (value is null)
        {
            return $"{what} is missing";
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{what} is empty";
        }
        if (Encoding.UTF8.GetByteCount(value) > maxBytes)
        {
            return $"{what} is longer than {maxBytes} bytes";
        }
        return value.Any(char.IsControl) ? $"{what} contains a control character" : null;
    }

    /// <summary>A SHA-256 as the protocol writes it: exactly 64 lowercase hexadecimal digits.</summary>
    public static string? CheckSha256(string what, string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            ? null
            : $"{what} must be 64 lowercase hexadecimal digits";

    /// <summary>A revision: a branch, tag or commit; no control characters or spaces, no leading dash, at most 255 bytes.</summary>
    public static string? CheckRevision(string? revision)
    {
        if (string.IsNullOrEmpty(revision))
        {
            return "revision is empty";
        }
        if (Encoding.UTF8.GetByteCount(revision) > MaxRevisionBytes)
        {
            return $"revision is longer than {MaxRevisionBytes} bytes";
        }
        if (revision[0] == '-')
        {
            return $"revision \"{Printable(revision)}\" starts with a dash";
        }
        if (HasControlOrSpace(revision))
        {
            return $"revision \"{Printable(revision)}\" contains a space or a control character";
        }
        return null;
    }

    private static string? CheckPlainName(string what, string? name, int maxLength)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} is empty";
        }
        if (Encoding.UTF8.GetByteCount(name) > maxLength)
        {
            return $"{what} is longer than {maxLength} bytes";
        }
        if (name[0] == '.' || name[0] == '-')
        {
            return $"{what} \"{Printable(name)}\" starts with '{name[0]}'";
        }
        if (name.Contains('/') || name.Contains('\\'))
        {
            return $"{what} \"{Printable(name)}\" contains a slash; it must be a plain file name";
        }
        if (HasControlOrSpace(name))
        {
            return $"{what} \"{Printable(name)}\" contains a space or a control character";
        }
        return null;
    }

    private static bool HasControlOrSpace(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Renders a value for an error message with control characters made visible and the length bounded
    /// (60 by default: enough for a name; a peer's explanation needs more, or it is cut mid-sentence).
    /// </summary>
    public static string Printable(string value, int max = 60)
    {
        var builder = new StringBuilder(Math.Min(value.Length, max + 4));
        foreach (var c in value)
        {
            if (builder.Length >= max)
            {
                builder.Append('…');
                break;
            }
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }
        return builder.ToString();
    }
}
