using System.Security.Cryptography;
using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The scripts a builder has, with a SHA-256 each, so the server can say how many builders can build a project and
/// every result records exactly which script ran. Rescanned cheaply: files are hashed again only when they change.
/// </summary>
/// <remarks>
/// A file that cannot run (not executable, no #! line, Windows line endings) is not announced, so the server does not
/// count this builder as able to build that project; <paramref name="notRunnable"/> hears about it once per change.
/// Only the first <see cref="ProtocolLimits.MaxScripts"/> (by name) are announced, so the list always fits in one line;
/// <paramref name="overLimit"/> hears how many files were left out whenever that number changes (0: none any more).
/// Builds of projects left out still run: the server only undercounts who has a script.
/// </remarks>
internal sealed class ScriptInventory(string folder, Action<string, string>? notRunnable = null, Action<int>? overLimit = null)
{
    private int _leftOut;

    private readonly Dictionary<string, (long Length, DateTime Written, UnixFileMode Mode, string? Sha256)> _known = new(StringComparer.Ordinal);

    /// <summary>Scans the folder; returns the list, and whether it differs from the previous scan.</summary>
    public (ScriptInfo[] Scripts, bool Changed) Scan()
    {
        var seen = new List<ScriptInfo>();
        var changed = false;
        var present = new HashSet<string>(StringComparer.Ordinal);
        var leftOut = 0;
        if (Directory.Exists(folder))
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                if (Names.CheckProject(file.Name) is not null)
                {
                    continue;
                }
                if (seen.Count >= ProtocolLimits.MaxScripts)
                {
                    leftOut++;
                    continue;
                }
                present.Add(file.Name);
                var mode = OperatingSystem.IsWindows() ? default : file.UnixFileMode;
                if (!_known.TryGetValue(file.Name, out var known) || known.Length != file.Length || known.Written != file.LastWriteTimeUtc
                    || known.Mode != mode)
                {
                    var problem = ScriptCheck.Problem(file.FullName);
                    if (problem is not null)
                    {
                        notRunnable?.Invoke(file.FullName, problem);
                    }
                    var sha = problem is null ? Hash(file.FullName) : null;
                    var wasListed = known.Sha256 is not null;
                    known = (file.Length, file.LastWriteTimeUtc, mode, sha);
                    _known[file.Name] = known;
                    changed |= sha is not null || wasListed;
                }
                if (known.Sha256 is { } listed)
                {
                    seen.Add(new ScriptInfo { Name = file.Name, Sha256 = listed });
                }
            }
        }
        foreach (var gone in _known.Keys.Where(k => !present.Contains(k)).ToArray())
        {
            changed |= _known[gone].Sha256 is not null;
            _known.Remove(gone);
        }
        if (leftOut != _leftOut)
        {
            _leftOut = leftOut;
            overLimit?.Invoke(leftOut);
        }
        return ([.. seen], changed);
    }

    /// <summary>SHA-256 of a file in hex, or null if it cannot be read.</summary>
    public static string? Hash(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
