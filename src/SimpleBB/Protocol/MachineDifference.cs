namespace SimpleBB.Protocol;

/// <summary>
/// When one revision passes on some builders and fails on others, names what differs between the two groups
/// (operating system, architecture, runtime), so "fails only on arm64" is visible at a glance.
/// </summary>
public static class MachineDifference
{
    /// <summary>Returns e.g. "architecture (passes on x86_64, fails on aarch64)", or null when nothing is machine-specific.</summary>
    public static string? Describe(IEnumerable<(bool Passed, Uname Uname, string Runtime)> results)
    {
        var all = results.ToArray();
        var passed = all.Where(r => r.Passed).ToArray();
        var failed = all.Where(r => !r.Passed).ToArray();
        if (passed.Length == 0 || failed.Length == 0)
        {
            return null;
        }
        var differences = new List<string>();
        Compare(differences, "operating system", passed, failed, r => $"{r.Uname.Sysname} {r.Uname.Release}");
        Compare(differences, "architecture", passed, failed, r => r.Uname.Machine);
        Compare(differences, "runtime", passed, failed, r => r.Runtime);
        return differences.Count == 0 ? "no difference in operating system, architecture or runtime" : string.Join("; ", differences);
    }

    private static void Compare(List<string> differences, string what, (bool, Uname Uname, string Runtime)[] passed,
        (bool, Uname Uname, string Runtime)[] failed, Func<(bool, Uname Uname, string Runtime), string> value)
    {
        var good = passed.Select(value).Distinct().Order().ToArray();
        var bad = failed.Select(value).Distinct().Order().ToArray();
        if (!good.SequenceEqual(bad))
        {
            differences.Add($"{what} (passes on {string.Join(", ", good)}; fails on {string.Join(", ", bad)})");
        }
    }
}
