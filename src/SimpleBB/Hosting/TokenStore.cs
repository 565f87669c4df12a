using System.Security.Cryptography;

namespace SimpleBB.Hosting;

/// <summary>
/// Where the shared secret comes from, the same way in all three executables: <c>--token</c> (or SIMPLEBB_TOKEN),
/// then <c>--token-file</c> (or SIMPLEBB_TOKEN_FILE), then <c>~/.simplebb/token</c>. The server creates that file on
/// first start, so on one machine builder and suggest find the token with no set-up at all.
/// </summary>
public static class TokenStore
{
    public const int MaxLength = 256;

    /// <summary>~/.simplebb/token.</summary>
    public static string DefaultFile => Path.Combine(
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        ".simplebb", "token");

    /// <summary>
    /// Finds the token. Returns it (or null when there is none and <paramref name="create"/> is false), and says where it
    /// came from in <paramref name="source"/> (never the token itself). Throws <see cref="IOException"/> with a
    /// readable message when a named file cannot be read or the token is malformed.
    /// </summary>
    public static string? Resolve(string? token, string? tokenFile, bool create, out string source)
    {
        if (!string.IsNullOrEmpty(token))
        {
            source = "--token or SIMPLEBB_TOKEN";
            return Check(Trim(token), source);
        }
        if (!string.IsNullOrEmpty(tokenFile))
        {
            source = Path.GetFullPath(tokenFile);
            return Check(Read(tokenFile), source);
        }
        source = DefaultFile;
        if (File.Exists(DefaultFile))
        {
            return Check(Read(DefaultFile), source);
        }
        if (!create)
        {
            return null;
        }
        return Create(DefaultFile);
    }

    /// <summary>Writes a new 256-bit token readable by its owner only (file 0600 in a 0700 folder).</summary>
    public static string Create(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(path, options))
        {
            writer.WriteLine(token);
        }
        return token;
    }

    private static string Read(string path)
    {
        try
        {
            return Trim(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read token file {path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A token is compared exactly, so the whitespace an editor or <c>echo</c> adds around it (a final newline, a CRLF, a
    /// byte order mark) is removed wherever it is read; a token never contains whitespace itself.
    /// </summary>
    internal static string Trim(string token) => token.Trim().Trim('\uFEFF').Trim();

    private static string Check(string token, string source)
    {
        if (token.Length is 0 or > MaxLength || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new IOException($"the token from {source} must be 1 to {MaxLength} printable characters without spaces");
        }
        return token;
    }
}
