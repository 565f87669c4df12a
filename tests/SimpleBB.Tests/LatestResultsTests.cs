using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Tests;

public class LatestResultsTests
{
    private static RecordedResult Result(string revision, string builder, string outcome, string machine = "x86_64") => new()
    {
        Id = "b1", Project = "foo", Revision = revision, Builder = builder, Outcome = outcome, ExitCode = outcome == "SUCCESS" ? 0 : 1,
        DurationMs = 1, Runtime = ".NET 10.0.12", Finished = DateTimeOffset.UnixEpoch,
        Uname = new Uname { Sysname = "Linux", Nodename = builder, Release = "6.1.0", Version = "#1", Machine = machine },
    };

    [Fact]
    public void A_newer_result_of_the_same_builder_replaces_the_older_and_moves_to_the_end()
    {
        var latest = new LatestResults(10);
        latest.Add(Result("master", "a", "FAILED 1"));
        latest.Add(Result("master", "b", "SUCCESS"));
        latest.Add(Result("master", "a", "SUCCESS"));

        var all = latest.All();
        Assert.Equal(["b", "a"], all.Select(r => r.Builder));
        Assert.Equal("SUCCESS", all[1].Outcome);
    }

    [Fact]
    public void The_oldest_result_is_forgotten_beyond_the_capacity()
    {
        var latest = new LatestResults(3);
        for (var i = 0; i < 5; i++)
        {
            latest.Add(Result($"r{i}", "a", "SUCCESS"));
        }

        Assert.Equal(["r2", "r3", "r4"], latest.All().Select(r => r.Revision));
    }

    [Fact]
    public void A_revision_that_passes_on_one_machine_and_fails_on_another_is_machine_specific()
    {
        var latest = new LatestResults(10);
        latest.Add(Result("master", "a", "SUCCESS", "x86_64"));
        Assert.Null(latest.MachineSpecific("foo", "master"));

        latest.Add(Result("master", "b", "FAILED 2", "aarch64"));
        Assert.Contains("architecture", latest.MachineSpecific("foo", "master"), StringComparison.Ordinal);
        Assert.Null(latest.MachineSpecific("foo", "other"));
    }

    [Fact]
    public void A_fixed_failure_or_a_missing_script_is_not_machine_specific()
    {
        var latest = new LatestResults(10);
        latest.Add(Result("master", "a", "SUCCESS", "x86_64"));
        latest.Add(Result("master", "b", "FAILED 2", "aarch64"));
        latest.Add(Result("master", "b", "SUCCESS", "aarch64"));
        latest.Add(Result("master", "c", "N/A", "riscv64"));

        Assert.Null(latest.MachineSpecific("foo", "master"));
    }

    [Fact]
    public void Forgetting_the_failure_ends_the_machine_specific_verdict()
    {
        var latest = new LatestResults(2);
        latest.Add(Result("master", "b", "FAILED 1", "aarch64"));
        latest.Add(Result("master", "a", "SUCCESS", "x86_64"));
        Assert.NotNull(latest.MachineSpecific("foo", "master"));

        latest.Add(Result("next", "a", "SUCCESS"));

        Assert.Null(latest.MachineSpecific("foo", "master"));
        Assert.Equal(2, latest.All().Length);
    }
}
