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
    public async Task Results_from_before_the_start_go_behind_newer_ones_and_readers_wait_for_them()
    {
        var latest = new LatestResults(3);
        latest.Loading();
        latest.Add(Result("master", "a", "SUCCESS")); // arrived while the older ones were being read
        var reading = Task.Run(latest.All);
        Assert.NotSame(reading, await Task.WhenAny(reading, Task.Delay(50))); // a reader waits for the results from before the start

        latest.AddOlder([Result("master", "a", "FAILED 1"), Result("master", "b", "FAILED 2"), Result("old", "a", "SUCCESS"), Result("older", "a", "SUCCESS")]);

        var all = await reading;
        Assert.Equal([("old", "a"), ("master", "b"), ("master", "a")], all.Select(r => (r.Revision, r.Builder)));
        Assert.Equal("SUCCESS", all[^1].Outcome); // the newer result of (master, a) won
        Assert.NotNull(latest.MachineSpecific("foo", "master")); // b failed where a passed: counted across both
    }

    [Fact]
    public void Results_of_one_machine_share_its_uname_and_strings()
    {
        var latest = new LatestResults(10);
        latest.Add(Result("r1", "a", "SUCCESS"));
        latest.Add(Result("r2", "a", "SUCCESS"));

        var all = latest.All();
        Assert.Same(all[0].Uname, all[1].Uname);
        Assert.Same(all[0].Runtime, all[1].Runtime);
        Assert.Same(all[0].Builder, all[1].Builder);
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
