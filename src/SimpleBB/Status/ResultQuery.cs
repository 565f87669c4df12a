using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>
/// What simplebb-status asks for with --project, --builder and --last: the newest <see cref="Last"/> results of a project
/// and/or builder (of any when neither is given). A server that speaks protocol 4 answers it from its results store;
/// an older one sends its usual snapshot, which <see cref="Apply"/> narrows the same way.
/// </summary>
public sealed record ResultQuery(string? Project, string? Builder, int Last)
{
    /// <summary>The request that asks a server for these results (with follow: the events after them too).</summary>
    public StatusRequest ToRequest(bool follow, bool output) =>
        new() { Follow = follow, Output = follow && output, Project = Project, Builder = Builder, Last = Last };

    /// <summary>
    /// The matching results of an older server's snapshot, newest first, at most <see cref="Last"/>. That snapshot holds only
    /// the latest result per project, revision and builder (oldest first, the newest 10,000), so a revision built twice
    /// on a builder shows once, and older results are not there at all.
    /// </summary>
    public RecordedResult[] Apply(IEnumerable<RecordedResult> latestOldestFirst) =>
        [.. latestOldestFirst.Where(r => (Project is null || r.Project == Project) && (Builder is null || r.Builder == Builder)).Reverse().Take(Last)];

    /// <summary>What the results are, for a table's heading: "foo on b1", "foo", "builder b1", or "any project".</summary>
    public string Describe() => (Project, Builder) switch
    {
        ({ } project, { } builder) => $"{project} on {builder}",
        ({ } project, null) => project,
        (null, { } builder) => $"builder {builder}",
        _ => "any project",
    };
}
