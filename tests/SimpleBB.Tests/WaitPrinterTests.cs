using SimpleBB.Protocol;
using SimpleBB.Suggest;

namespace SimpleBB.Tests;

public sealed class WaitPrinterTests
{
    private static readonly Uname Machine = new() { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" };

    private static SuggestOutcome Outcome(int builders) => new("master", "m1-1", builders, null, null);

    private static ResultMessage Failed(string builder) => new()
    {
        Id = "m1-1", Project = "foo", Revision = "master", Builder = builder, ExitCode = 2, DurationMs = 7, Uname = Machine, Runtime = ".NET 10",
        Output = "error: tail line\n",
    };

    private static OutputMessage Chunk(string builder, string data) => new() { Id = "m1-1", Builder = builder, Data = data };

    [Fact]
    public void Live_lines_are_prefixed_with_the_builder_when_the_build_went_to_several()
    {
        var printer = new WaitPrinter("foo", output: true);
        var outcome = Outcome(2);

        Assert.Empty(printer.Lines(outcome, Chunk("alpha", "compil")));
        Assert.Equal(["alpha| compiling", "alpha| linking"], printer.Lines(outcome, Chunk("alpha", "ing\nlinking\n")));
        Assert.Equal(["beta| configuring"], printer.Lines(outcome, Chunk("beta", "configuring\n")));
    }

    [Fact]
    public void With_one_builder_live_lines_are_printed_as_they_are()
    {
        var printer = new WaitPrinter("foo", output: true);

        Assert.Equal(["configuring master"], printer.Lines(Outcome(1), Chunk("alpha", "configuring master\n")));
    }

    [Fact]
    public void A_result_prints_the_unfinished_last_line_first_and_no_tail_when_live_output_was_shown()
    {
        var printer = new WaitPrinter("foo", output: true);
        var outcome = Outcome(2);
        printer.Lines(outcome, Chunk("alpha", "error: no newline at the end"));

        var lines = printer.Lines(outcome, Failed("alpha"));

        Assert.Equal("alpha| error: no newline at the end", lines[0]);
        Assert.StartsWith("FAIL 2   foo master on alpha in 7 ms", lines[1]);
        Assert.DoesNotContain("tail line", string.Join('\n', lines));
    }

    [Fact]
    public void A_failure_without_live_output_still_prints_its_tail()
    {
        var printer = new WaitPrinter("foo", output: true);

        var lines = printer.Lines(Outcome(1), Failed("alpha"));

        Assert.Contains("    alpha| error: tail line", lines.Single());
    }

    [Fact]
    public void Without_output_live_chunks_print_nothing()
    {
        var printer = new WaitPrinter("foo", output: false);

        Assert.Empty(printer.Lines(Outcome(1), Chunk("alpha", "line\n")));
    }
}
