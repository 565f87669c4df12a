namespace SimpleBB.Suggest;

/// <summary>
/// Reads what git gives a post-receive hook on stdin ("&lt;old&gt; &lt;new&gt; &lt;ref&gt;" per line) and returns the
/// branches that were created or updated. Deleted branches, tags, other refs and malformed lines are skipped.
/// </summary>
public static class PostReceive
{
    public static IReadOnlyList<string> Branches(IEnumerable<string> lines)
    {
        var branches = new List<string>();
        foreach (var line in lines)
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3 || !IsObjectId(fields[0]) || !IsObjectId(fields[1]))
            {
                continue;
            }
            const string heads = "refs/heads/";
            if (fields[1].All(c => c == '0') || !fields[2].StartsWith(heads, StringComparison.Ordinal))
            {
                continue;
            }
            var branch = fields[2][heads.Length..];
            if (branch.Length > 0 && !branches.Contains(branch))
            {
                branches.Add(branch);
            }
        }
        return branches;
    }

    /// <summary>A SHA-1 (40) or SHA-256 (64) object id in hex.</summary>
    private static bool IsObjectId(string value) => value.Length is 40 or 64 && value.All(char.IsAsciiHexDigit);
}
