namespace SimpleBB.Protocol;

/// <summary>
/// When one revision passes on some builders and fails on others, names what differs between the two groups
/// (operating system, architecture, runtime, build script), so "fails only on arm64" or "the failing builders run an
/// older copy of the script" is visible at a glance.
/// </summary>
public static class MachineDifference
{
    /// <summary>Said when the builders report nothing that differs, so the reader looks at the machines themselves.</summary>
    public const string NothingVisible = "nothing SimpleBB can see (same operating system, architecture, runtime and build script)";

    /// <summary>
    /// Returns e.g. "architecture (passes on x86_64; fails on aarch64)", <see cref="NothingVisible"/> when nothing
    /// reported differs, or null when the revision is not machine-specific. Reads after "differs in".
    /// </summary>
    public static string? Describe(IEnumerable<(bool Passed, Uname Uname, string Runtime, string? ScriptSha256)> results)
    {
        var all = results.ToArray();
        var passed = all.Where(r => r.Passed).ToArray();
        var failed = all.Where(r => !r.Passed).ToArray();
        if (passed.Length == 0 || failed.Length == 0)
        {
            return null;
        }
        var differences = new List<string>();
        Compare(differences, "operating system", "on", passed, failed, r => $"{r.Uname.Sysname} {r.Uname.Release}");
        Compare(differences, "architecture", "on", passed, failed, r => r.Uname.Machine);
        Compare(differences, "runtime", "on", passed, failed, r => r.Runtime);
        Compare(differences, "build script", "with SHA-256", passed, failed, r => r.ScriptSha256 is { Length: >= 8 } sha ? sha[..8] : null);
        return differences.Count == 0 ? NothingVisible : string.Join("; ", differences);
    }

    private static void Compare(List<string> differences, string what, string preposition,
        (bool, Uname Uname, string Runtime, string? ScriptSha256)[] passed, (bool, Uname Uname, string Runtime, string? ScriptSha256)[] failed,
        Func<(bool, Uname Uname, string Runtime, string? ScriptSha256), string?> value)
    {
        // Unknown values (a builder that does not report its script) are left out rather than counted as a difference.
        var good = passed.Select(value).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        var bad = failed.Select(value).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        if (good.Length > 0 && bad.Length > 0 && !good.SequenceEqual(bad))
        {
            differences.Add($"{what} (passes {preposition} {string.Join(", ", good)}; fails {preposition} {string.Join(", ", bad)})");
        }
    }
}
