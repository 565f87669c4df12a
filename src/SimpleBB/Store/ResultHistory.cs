using SimpleBB.Protocol;

namespace SimpleBB.Store;

/// <summary>
/// What the pages and the API may ask the results store: builds and results, newest first, a page at a time. Only
/// reads, each on a read-only connection of its own, so a page never waits for the recorder's commit or holds it up.
/// Results come in the shape status and the API use (<see cref="RecordedResult"/>, without output: the output is at its
/// own URL). Builds suggested a moment ago that the store has not got yet (<paramref name="unstored"/>, Seq 0) are
/// shown with the stored ones, newest first.
/// </summary>
public sealed class ResultHistory(Func<ResultStore> store, Func<SuggestedBuild[]> unstored, BuildTallies tallies)
{
    /// <summary>A build by id, or null when it was never suggested here (or retention removed it).</summary>
    public SuggestedBuild? Build(string id) => store().Build(id) ?? Array.Find(unstored(), b => b.Id == id);

    /// <summary>The builds with these ids, newest first (those the store and the moment's suggestions have).</summary>
    public IReadOnlyList<SuggestedBuild> Builds(IReadOnlyList<string> ids)
    {
        var found = store().BuildsWithIds(ids);
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        return WithUnstored(found, b => wanted.Contains(b.Id), int.MaxValue);
    }

    /// <summary>A project's builds, newest first, older than build <paramref name="beforeSeq"/> when given.</summary>
    public IReadOnlyList<SuggestedBuild> BuildsOfProject(string project, long? beforeSeq, int limit) =>
        beforeSeq is null
            ? WithUnstored(store().BuildsOfProject(project, null, limit), b => b.Project == project, limit)
            : store().BuildsOfProject(project, beforeSeq, limit);

    /// <summary>The newest builds of all projects, newest first.</summary>
    public IReadOnlyList<SuggestedBuild> NewestBuilds(int limit) => WithUnstored(store().NewestBuilds(limit), _ => true, limit);

    /// <summary>Each project's newest build, by project name.</summary>
    public IReadOnlyList<SuggestedBuild> LatestBuildPerProject(int limit)
    {
        var latest = store().LatestBuildPerProject(limit).ToDictionary(b => b.Project, StringComparer.Ordinal);
        foreach (var build in unstored())
        {
            if (!latest.TryGetValue(build.Project, out var stored) || (stored.Seq != 0 && stored.Id != build.Id) || stored.Suggested < build.Suggested)
            {
                latest[build.Project] = build;
            }
        }
        return [.. latest.Values.OrderBy(b => b.Project, StringComparer.Ordinal).Take(limit)];
    }

    private List<SuggestedBuild> WithUnstored(IReadOnlyList<SuggestedBuild> stored, Func<SuggestedBuild, bool> wanted, int limit)
    {
        var ids = stored.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var newer = unstored().Where(b => wanted(b) && !ids.Contains(b.Id)).OrderByDescending(b => b.Suggested);
        return [.. newer.Concat(stored).Take(limit)];
    }

    /// <summary>Every result of these builds, in the order they arrived.</summary>
    public RecordedResult[] ResultsOfBuilds(IReadOnlyList<string> buildIds) => Statuses(store().ResultsOfBuilds(buildIds));

    /// <summary>How the results of each of these builds add up, by build id.</summary>
    public Dictionary<string, BuildTally> Tallies(IReadOnlyList<string> buildIds) => tallies.Get(buildIds, store().Tallies);

    /// <summary>The results of these builds on these builders only.</summary>
    public RecordedResult[] ResultsOfBuildsOn(IReadOnlyList<string> buildIds, IReadOnlyList<string> builders) =>
        Statuses(store().ResultsOfBuildsOn(buildIds, builders));

    /// <summary>Builders with a result other than a success in these builds, by name.</summary>
    public IReadOnlyList<string> BuildersNotPassing(IReadOnlyList<string> buildIds, int limit) => store().BuildersNotPassing(buildIds, limit);

    /// <summary>A builder's results, newest first, older than result <paramref name="beforeSeq"/> when given.</summary>
    public IReadOnlyList<StoredResult> ResultsOfBuilder(string builder, long? beforeSeq, int limit) =>
        store().ResultsOfBuilder(builder, beforeSeq, limit, withOutput: false);

    /// <summary>Each builder's newest result, by builder name.</summary>
    public RecordedResult[] LatestResultPerBuilder(int limit) => Statuses(store().LatestResultPerBuilder(limit));

    private static RecordedResult[] Statuses(IReadOnlyList<StoredResult> results)
    {
        var statuses = new RecordedResult[results.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = results[i].ToStatus(withOutput: false);
        }
        return statuses;
    }
}
