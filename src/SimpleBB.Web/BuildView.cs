using SimpleBB.Protocol;
using SimpleBB.Store;

namespace SimpleBB.Web;

/// <summary>One build as a page shows it: the suggestion, every result it has so far and the builders running it now.</summary>
internal sealed class BuildView(SuggestedBuild build)
{
    public SuggestedBuild Build { get; } = build;
    public string Id => Build.Id;
    public string Project => Build.Project;
    public string Revision => Build.Revision;

    /// <summary>The newest thing known about it: its last result, or when it was suggested.</summary>
    public DateTimeOffset Time { get; set; } = build.Suggested;

    public Dictionary<string, RecordedResult> Results { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Running { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The store's count of every result when <see cref="Results"/> holds only some (an overview shows a few
    /// builders' cells of a build with a thousand results); null when Results holds them all.
    /// </summary>
    public BuildTally? Tally { get; set; }

    /// <summary>How many results the build has.</summary>
    public int ResultCount => Tally?.Total ?? Results.Count;

    /// <summary>Sent to no builder (none was connected): nothing will be built, and the page says so.</summary>
    public bool ReachedNoBuilder => Build.Builders == 0 && ResultCount == 0;

    public int Count(bool? verdict) => Tally is { } tally
        ? verdict switch { true => tally.Passed, false => tally.Failed, null => tally.Other }
        : Results.Values.Count(r => Outcomes.Verdict(r.Outcome) == verdict);

    public Outcome CellFor(string builder) =>
        Results.TryGetValue(builder, out var result) ? Outcome.Of(result.Outcome)
        : Running.Contains(builder) ? Outcome.Running
        : Outcome.None;

    /// <summary>
    /// passing, failing, mixed (passes here, fails there), n/a, running, waiting (sent, no result yet) or
    /// "no builder" (sent to none): the word the badge shows.
    /// </summary>
    public string Summary()
    {
        var passed = Count(true);
        var failed = Count(false);
        return (passed, failed) switch
        {
            ( > 0, > 0) => "mixed",
            (_, > 0) => "failing",
            ( > 0, _) => Running.Count > 0 ? "running" : "passing",
            _ when Running.Count > 0 => "running",
            _ when ResultCount > 0 => "n/a",
            _ => ReachedNoBuilder ? "no builder" : "waiting",
        };
    }

    /// <summary>What differs between the machines this build passed and failed on, or null when it does not mix them (needs every result: no <see cref="Tally"/>).</summary>
    public string? MachineSpecific() =>
        Count(true) > 0 && Count(false) > 0
            ? MachineDifference.Describe(Results.Values.Where(r => Outcomes.Verdict(r.Outcome) is not null)
                .Select(r => (r.Outcome == Outcomes.Success, r.Uname, r.Runtime, r.ScriptSha256)))
            : null;

    public long LongestMs => Tally?.LongestMs ?? (Results.Count == 0 ? 0 : Results.Values.Max(r => r.DurationMs));
}
