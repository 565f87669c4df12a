namespace SimpleBB.Protocol;

/// <summary>One build script a builder has: the project it builds and the SHA-256 of its content.</summary>
public sealed record ScriptInfo
{
    public required string Name { get; init; }
    public required string Sha256 { get; init; }

    /// <summary>At most <see cref="ProtocolLimits.MaxScripts"/> entries, each a valid project name with a lowercase SHA-256, no name twice.</summary>
    public static string? CheckList(ScriptInfo[] scripts)
    {
        if (scripts.Length > ProtocolLimits.MaxScripts)
        {
            return $"at most {ProtocolLimits.MaxScripts} scripts, not {scripts.Length}";
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var script in scripts)
        {
            if ((Names.CheckProject(script.Name) ?? Names.CheckSha256("sha256", script.Sha256)) is { } bad)
            {
                return $"script {Names.Printable(script.Name)}: {bad}";
            }
            if (!names.Add(script.Name))
            {
                return $"script {script.Name} is listed twice";
            }
        }
        return null;
    }
}
