using System.Security.Cryptography;
using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The scripts a builder has, with a SHA-256 each, so the server can say how many builders can build a project and
/// every result records exactly which script ran. Rescanned cheaply: files are hashed again only when they change.
/// </summary>
internal sealed class ScriptInventory(string folder)
{
    /// <summary>At most this many scripts are announced (a hello line must stay well under the line limit).</summary>
    public const int MaxScripts = 500;

    private readonly Dictionary<string, (long Length, DateTime Written, string Sha256)> _known = new(StringComparer.Ordinal);

    /// <summary>Scans the folder; returns the list, and whether it differs from the previous scan.</summary>
    public (ScriptInfo[] Scripts, bool Changed) Scan()
    {
        var seen = new List<ScriptInfo>();
        var changed = false;
        var present = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                if (seen.Count >= MaxScripts || Names.CheckProject(file.Name) is not null)
                {
                    continue;
                }
                present.Add(file.Name);
                if (!_known.TryGetValue(file.Name, out var known) || known.Length != file.Length || known.Written != file.LastWriteTimeUtc)
                {
                    if (Hash(file.FullName) is not { } sha)
                    {
                        continue;
                    }
                    known = (file.Length, file.LastWriteTimeUtc, sha);
                    _known[file.Name] = known;
                    changed = true;
                }
                seen.Add(new ScriptInfo { Name = file.Name, Sha256 = known.Sha256 });
            }
        }
        foreach (var gone in _known.Keys.Where(k => !present.Contains(k)).ToArray())
        {
            _known.Remove(gone);
            changed = true;
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
