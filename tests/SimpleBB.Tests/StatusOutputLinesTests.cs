using SimpleBB.Protocol;
using SimpleBB.Status;

namespace SimpleBB.Tests;

/// <summary>simplebb-status --follow: live output lines between the events.</summary>
public sealed class StatusOutputLinesTests
{
    private static OutputMessage Chunk(string builder, string data) => new() { Id = "m1-1", Builder = builder, Data = data };

    [Fact]
    public void Output_lines_are_prefixed_with_their_builder_and_printed_once_complete()
    {
        var lines = new OutputLines();

        Assert.Equal("", StatusFormatter.Output(lines, Chunk("alpha", "compil")));
        Assert.Equal("alpha| compiling\nalpha| linking\n", StatusFormatter.Output(lines, Chunk("alpha", "ing\nlinking\n")));
        Assert.Equal("beta| tests\n", StatusFormatter.Output(lines, Chunk("beta", "tests\n")));
    }

    [Fact]
    public void A_result_event_first_prints_that_builders_unfinished_last_line()
    {
        var lines = new OutputLines();
        StatusFormatter.Output(lines, Chunk("alpha", "no newline at the end"));
        var result = new EventMessage { Kind = "result", Time = DateTimeOffset.UnixEpoch, Builder = "alpha", Id = "m1-1", Detail = "SUCCESS" };
        var other = result with { Builder = "beta" };

        Assert.Equal("", StatusFormatter.OutputEnd(lines, other));
        Assert.Equal("alpha| no newline at the end\n", StatusFormatter.OutputEnd(lines, result));
        Assert.Equal("", StatusFormatter.OutputEnd(lines, result));
    }
}
