using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// One consistent read of the server for a page: the status snapshot (connected builders, latest results) grouped
/// into builds per project, plus builds seen suggested that have no result yet. Only what the server keeps in
/// memory is shown (its latest results, by default the newest 10,000).
/// </summary>
internal sealed class Farm
{
    private Farm(Snapshot snapshot)
    {
        Snapshot = snapshot;
    }

    public Snapshot Snapshot { get; }

    public Dictionary<string, BuilderStatus> Online { get; } = new(StringComparer.Ordinal);

    /// <summary>Builders with results that are not connected now: name and their newest result.</summary>
    public Dictionary<string, ResultStatus> Offline { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, BuildView> Builds { get; } = new(StringComparer.Ordinal);

    /// <summary>Per project, its builds newest first.</summary>
    public SortedDictionary<string, List<BuildView>> Projects { get; } = new(StringComparer.Ordinal);

    public static Farm Read(DashboardState state, RecentBuilds recent)
    {
        var farm = new Farm(state.Snapshot());
        foreach (var builder in farm.Snapshot.Builders)
        {
            farm.Online[builder.Name] = builder;
        }
        foreach (var suggested in recent.All())
        {
            farm.Build(suggested.Id, suggested.Project, suggested.Revision, suggested.Time);
        }
        foreach (var result in farm.Snapshot.Results)
        {
            var build = farm.Build(result.Id, result.Project, result.Revision, result.Finished);
            build.Results[result.Builder] = result;
            if (!farm.Online.ContainsKey(result.Builder)
                && (!farm.Offline.TryGetValue(result.Builder, out var newest) || newest.Finished < result.Finished))
            {
                farm.Offline[result.Builder] = result;
            }
        }
        foreach (var builder in farm.Snapshot.Builders)
        {
            foreach (var id in builder.Running)
            {
                if (farm.Builds.TryGetValue(id, out var build) && !build.Results.ContainsKey(builder.Name))
                {
                    build.Running.Add(builder.Name);
                }
            }
        }
        foreach (var build in farm.Builds.Values)
        {
            if (!farm.Projects.TryGetValue(build.Project, out var list))
            {
                farm.Projects[build.Project] = list = [];
            }
            list.Add(build);
        }
        foreach (var list in farm.Projects.Values)
        {
            list.Sort((a, b) => b.Time.CompareTo(a.Time));
        }
        return farm;
    }

    private BuildView Build(string id, string project, string revision, DateTimeOffset time)
    {
        if (!Builds.TryGetValue(id, out var build))
        {
            Builds[id] = build = new BuildView(id, project, revision) { Time = time };
        }
        else if (build.Time < time)
        {
            build.Time = time;
        }
        return build;
    }

    /// <summary>Every builder name known (online or with results), sorted.</summary>
    public string[] AllBuilders() => [.. Online.Keys.Concat(Offline.Keys).Order(StringComparer.Ordinal)];

    /// <summary>All builds, newest first.</summary>
    public IEnumerable<BuildView> RecentBuilds() => Builds.Values.OrderByDescending(b => b.Time);
}
