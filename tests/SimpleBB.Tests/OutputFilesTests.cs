using Serilog.Core;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The server's per-build output files: live chunks appended as they come, completed from the result.</summary>
public sealed class OutputFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PathOf(string id) => Path.Combine(_dir.Path, OutputFiles.RelativePath("foo", id, "alpha"));

    private static RecordedResult Entry(string id, string tail) => new()
    {
        Id = id, Project = "foo", Revision = "master", Builder = "alpha", Outcome = Outcomes.Success, ExitCode = 0, DurationMs = 5,
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" }, Runtime = ".NET 10",
        Finished = DateTimeOffset.UnixEpoch, Output = tail,
    };

    [Fact]
    public void Live_chunks_are_appended_as_they_come_and_a_complete_live_output_is_left_as_it_is()
    {
        var files = new OutputFiles(_dir.Path, Logger.None);

        files.Append("foo", "b1", "alpha", "configuring\n", 0);
        Assert.Equal("configuring\n", File.ReadAllText(PathOf("b1")));
        files.Append("foo", "b1", "alpha", "done\n", 0);
        files.Write([Entry("b1", "configuring\ndone\n")]);

        Assert.Equal("configuring\ndone\n", File.ReadAllText(PathOf("b1")));
        Assert.Equal(0, files.LiveCount);
    }

    [Fact]
    public void Incomplete_live_output_gets_a_note_and_the_tail_once_even_when_completed_again()
    {
        var files = new OutputFiles(_dir.Path, Logger.None);
        files.Append("foo", "b2", "alpha", "[simplebb: 100 bytes of output skipped]\nend of a long line\n", skipped: 100);

        files.Write([Entry("b2", "tail\n")]);
        files.Write([Entry("b2", "tail\n")]); // again, as after a crash before the journal's marker

        Assert.Equal("[simplebb: 100 bytes of output skipped]\nend of a long line\n" +
                     "\n[simplebb: the live output above is incomplete; the last 4096 bytes follow]\ntail\n", File.ReadAllText(PathOf("b2")));
    }

    [Fact]
    public void Live_output_of_a_builder_whose_connection_ended_counts_as_incomplete()
    {
        var files = new OutputFiles(_dir.Path, Logger.None);
        files.Append("foo", "b3", "alpha", "before the cut\n", 0);

        files.ConnectionLost("alpha");
        files.Write([Entry("b3", "before the cut\nafter\n")]);

        Assert.EndsWith("incomplete; the last 4096 bytes follow]\nbefore the cut\nafter\n", File.ReadAllText(PathOf("b3")));
    }

    [Fact]
    public void A_file_stops_growing_at_its_cap_and_says_so()
    {
        var files = new OutputFiles(_dir.Path, Logger.None, maxFileBytes: 100);
        for (var i = 0; i < 50; i++)
        {
            files.Append("foo", "b4", "alpha", new string('x', 39) + "\n", 0);
        }
        files.Write([Entry("b4", "the tail\n")]);

        var text = File.ReadAllText(PathOf("b4"));
        Assert.StartsWith(new string('x', 39) + "\n" + new string('x', 39) + "\n" + new string('x', 20) +
                          "\n[simplebb: this file reached its cap of 100 bytes; the rest of the live output is not kept]\n", text);
        Assert.EndsWith("the last 4096 bytes follow]\nthe tail\n", text);
        Assert.True(text.Length < 400);
    }

    [Fact]
    public void Without_live_output_the_file_is_the_tail_and_writing_it_again_changes_nothing()
    {
        var files = new OutputFiles(_dir.Path, Logger.None);

        files.Write([Entry("b5", "only the tail\n")]);
        files.Write([Entry("b5", "only the tail\n")]);

        Assert.Equal("only the tail\n", File.ReadAllText(PathOf("b5")));
    }

    [Fact]
    public void Chunks_after_the_result_are_ignored()
    {
        var files = new OutputFiles(_dir.Path, Logger.None);
        files.Append("foo", "b6", "alpha", "all\n", 0);
        files.Write([Entry("b6", "all\n")]);

        files.Append("foo", "b6", "alpha", "late\n", 0);

        Assert.Equal("all\n", File.ReadAllText(PathOf("b6")));
    }

    [Fact]
    public void At_most_the_bounded_number_of_builds_is_tracked_and_a_forgotten_one_still_gets_its_tail_with_the_note()
    {
        var files = new OutputFiles(_dir.Path, Logger.None, maxLiveFiles: 3);
        for (var i = 1; i <= 5; i++)
        {
            files.Append("foo", $"c{i}", "alpha", $"output {i}\n", 0);
        }

        Assert.Equal(3, files.LiveCount);
        files.Write([Entry("c1", "tail 1\n")]); // its builder came back after all
        Assert.EndsWith("output 1\n\n[simplebb: the live output above is incomplete; the last 4096 bytes follow]\ntail 1\n", File.ReadAllText(PathOf("c1")));
    }
}
