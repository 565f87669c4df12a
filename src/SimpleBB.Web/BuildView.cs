using SimpleBB.Protocol;

namespace SimpleBB.Web;

/// <summary>One build (id) with every result it has so far and the builders still running it.</summary>
internal sealed class BuildView(string id, string project, string revision)
{
    public string Id { get; } = id;
    public string Project { get; } = project;
    public string Revision { get; } = revision;

    /// <summary>The newest thing known about it: its last result, or when it was suggested.</summary>
    public DateTimeOffset Time { get; set; }

    public Dictionary<string, ResultStatus> Results { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Running { get; } = new(StringComparer.Ordinal);

    public int Count(bool? verdict) => Results.Values.Count(r => Outcomes.Verdict(r.Outcome) == verdict);

    public Outcome CellFor(string builder) =>
        Results.TryGetValue(builder, out var result) ? Outcome.Of(result.Outcome)
        : Running.Contains(builder) ? Outcome.Running
        : Outcome.None;

    /// <summary>passing, failing, mixed (passes here, fails there), n/a or running: the word the badge shows.</summary>
    public string Summary()
    {
        var passed = Count(true);
        var failed = Count(false);
        return (passed, failed) switch
        {
            ( > 0, > 0) => "mixed",
            (_, > 0) => "failing",
            ( > 0, _) => Running.Count > 0 ? "running" : "passing",
            _ => Running.Count > 0 || Results.Count == 0 ? "running" : "n/a",
        };
    }

    public long LongestMs => Results.Count == 0 ? 0 : Results.Values.Max(r => r.DurationMs);
}
