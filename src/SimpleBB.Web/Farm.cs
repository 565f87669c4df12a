using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Store;

namespace SimpleBB.Web;

/// <summary>
/// One read of the server for a page: who is connected and what they run now (the status snapshot), and builds from
/// the results store with their results. The store keeps every build (or what retention keeps), so a page can go
/// back to a project's first build.
/// </summary>
internal sealed class Farm
{
    private readonly DashboardState _state;

    private Farm(DashboardState state)
    {
        _state = state;
        Snapshot = state.Snapshot();
        foreach (var builder in Snapshot.Builders)
        {
            Online[builder.Name] = builder;
        }
    }

    public Snapshot Snapshot { get; }

    public ResultHistory History => _state.History;

    public Dictionary<string, BuilderStatus> Online { get; } = new(StringComparer.Ordinal);

    public static Farm Read(DashboardState state) => new(state);

    /// <summary>These builds (in this order) with their stored results and the connected builders running them now.</summary>
    public List<BuildView> Views(IReadOnlyList<SuggestedBuild> builds)
    {
        var (views, byId) = NewViews(builds);
        AddResults(byId, History.ResultsOfBuilds([.. byId.Keys]));
        MarkRunning(byId);
        return views;
    }

    /// <summary>
    /// These builds counted by the store, with the results of <paramref name="builders"/> only (the cells an
    /// overview shows): a build with a thousand results costs one row of counts, not a thousand rows. A build that
    /// mixes passes and failures is read whole, so its machine-specific note can be made.
    /// </summary>
    public List<BuildView> Summaries(IReadOnlyList<SuggestedBuild> builds, IReadOnlyList<string> builders)
    {
        var (views, byId) = NewViews(builds);
        var tallies = History.Tallies([.. byId.Keys]);
        var mixed = new List<string>();
        foreach (var view in views)
        {
            if (tallies.TryGetValue(view.Id, out var tally))
            {
                if (tally.Passed > 0 && tally.Failed > 0)
                {
                    mixed.Add(view.Id);
                    continue;
                }
                view.Tally = tally;
                if (view.Time < tally.Newest)
                {
                    view.Time = tally.Newest;
                }
            }
        }
        var partly = views.Where(v => v.Tally is not null).Select(v => v.Id).ToArray();
        AddResults(byId, History.ResultsOfBuilds(mixed).Concat(History.ResultsOfBuildsOn(partly, builders)));
        MarkRunning(byId);
        return views;
    }

    /// <summary>A view per build (one per id, in the order given).</summary>
    private static (List<BuildView> Views, Dictionary<string, BuildView> ById) NewViews(IReadOnlyList<SuggestedBuild> builds)
    {
        var views = new List<BuildView>(builds.Count);
        var byId = new Dictionary<string, BuildView>(builds.Count, StringComparer.Ordinal);
        foreach (var build in builds)
        {
            if (!byId.ContainsKey(build.Id))
            {
                var view = new BuildView(build);
                byId[build.Id] = view;
                views.Add(view);
            }
        }
        return (views, byId);
    }

    private static void AddResults(Dictionary<string, BuildView> byId, IEnumerable<RecordedResult> results)
    {
        foreach (var result in results)
        {
            var view = byId[result.Id];
            view.Results[result.Builder] = result;
            if (view.Time < result.Finished)
            {
                view.Time = result.Finished;
            }
        }
    }

    private void MarkRunning(Dictionary<string, BuildView> byId)
    {
        foreach (var builder in Snapshot.Builders)
        {
            foreach (var id in builder.Running)
            {
                if (byId.TryGetValue(id, out var view) && !view.Results.ContainsKey(builder.Name))
                {
                    view.Running.Add(builder.Name);
                }
            }
        }
    }

    /// <summary>One build with its results, or null when the store has no build with that id.</summary>
    public BuildView? View(string id) => History.Build(id) is { } build ? Views([build])[0] : null;

    /// <summary>The builds the connected builders run now, by id (for "current build" links): one query for all.</summary>
    public Dictionary<string, SuggestedBuild> RunningBuilds() =>
        History.Builds([.. Snapshot.Builders.SelectMany(b => b.Running).Distinct(StringComparer.Ordinal)])
            .ToDictionary(b => b.Id, StringComparer.Ordinal);
}
