using SimpleBB.Protocol;
using SimpleBB.Store;

namespace SimpleBB.Tests;

public sealed class BuildTalliesTests
{
    private static StoredResult Result(long seq, string id, OutcomeKind kind, long durationMs = 100) => new()
    {
        Seq = seq, BuildId = id, Builder = "b" + seq, Project = "foo", Revision = "main", Kind = kind, ExitCode = kind == OutcomeKind.Success ? 0 : 1,
        DurationMs = durationMs, Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" },
        Runtime = ".NET 10", Finished = DateTimeOffset.UnixEpoch.AddSeconds(seq), Output = "",
    };

    [Fact]
    public void A_build_is_counted_by_the_store_once_then_kept_current_by_published_results_without_counting_one_twice()
    {
        var tallies = new BuildTallies();
        var asked = new List<string>();
        IReadOnlyList<BuildTally> Store(IReadOnlyList<string> ids)
        {
            asked.AddRange(ids);
            return [.. ids.Where(id => id == "x-1").Select(id => new BuildTally(id, 2, 0, 0, 100, 100, DateTimeOffset.UnixEpoch.AddSeconds(2), 2))];
        }

        tallies.Add(Result(1, "x-1", OutcomeKind.Success)); // not known yet: the store's count will have it
        Assert.Equal(2, tallies.Get(["x-1", "y-1"], Store)["x-1"].Passed);
        tallies.Add(Result(2, "x-1", OutcomeKind.Success)); // published after the store counted it: counted already
        tallies.Add(Result(3, "x-1", OutcomeKind.Timeout, durationMs: 900));
        var tally = tallies.Get(["x-1"], Store)["x-1"];

        Assert.Equal((2, 1, 0, 900L, 3L), (tally.Passed, tally.Failed, tally.Other, tally.LongestMs, tally.LastSeq));
        Assert.Equal(["x-1", "y-1"], asked); // the second time from memory; y-1 has no result, so the store is asked again when needed
    }

    [Fact]
    public void The_least_recently_used_builds_are_forgotten_beyond_the_capacity()
    {
        var tallies = new BuildTallies(capacity: 2);
        var asked = 0;
        IReadOnlyList<BuildTally> Store(IReadOnlyList<string> ids)
        {
            asked += ids.Count;
            return [.. ids.Select(id => new BuildTally(id, 1, 0, 0, 1, 1, DateTimeOffset.UnixEpoch, 1))];
        }

        tallies.Get(["a", "b"], Store);
        tallies.Get(["a"], Store);
        tallies.Get(["c"], Store); // b goes
        tallies.Get(["a", "c"], Store);
        Assert.Equal(3, asked);
        tallies.Get(["b"], Store);
        Assert.Equal(4, asked);
    }
}
