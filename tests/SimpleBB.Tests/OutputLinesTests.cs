using SimpleBB.Protocol;

namespace SimpleBB.Tests;

public sealed class OutputLinesTests
{
    [Fact]
    public void Lines_split_across_chunks_are_joined()
    {
        var lines = new OutputLines();

        Assert.Empty(lines.Add("b1", "alpha", "compil"));
        Assert.Equal(["compiling main.c", "linking"], lines.Add("b1", "alpha", "ing main.c\nlinking\n"));
        Assert.Equal(0, lines.Streams);
    }

    [Fact]
    public void Each_build_and_builder_has_its_own_partial_line()
    {
        var lines = new OutputLines();

        lines.Add("b1", "alpha", "one ");
        lines.Add("b1", "beta", "two ");

        Assert.Equal(["one done"], lines.Add("b1", "alpha", "done\n"));
        Assert.Equal("two ", lines.Flush("b1", "beta"));
        Assert.Null(lines.Flush("b1", "alpha"));
    }

    [Fact]
    public void Carriage_returns_before_line_ends_are_dropped_and_empty_lines_kept()
    {
        var lines = new OutputLines();

        Assert.Equal(["dos", "", "end"], lines.Add("b1", "alpha", "dos\r\n\nend\r\n"));
    }

    [Fact]
    public void A_partial_line_longer_than_the_bound_is_printed_in_pieces()
    {
        var lines = new OutputLines(maxLineChars: 10);

        Assert.Equal(["aaaaaaaaaa", "aaaaaaaaaa"], lines.Add("b1", "alpha", new string('a', 25)));
        Assert.Equal("aaaaa", lines.Flush("b1", "alpha"));
    }

    [Fact]
    public void At_most_the_bounded_number_of_partial_lines_is_kept()
    {
        var lines = new OutputLines(maxStreams: 3);
        for (var i = 0; i < 10; i++)
        {
            lines.Add($"b{i}", "alpha", "unfinished");
        }

        Assert.Equal(3, lines.Streams);
        Assert.Equal("unfinished", lines.Flush("b9", "alpha"));
        Assert.Null(lines.Flush("b0", "alpha"));
    }
}
