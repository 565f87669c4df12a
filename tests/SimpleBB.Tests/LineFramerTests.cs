using System.Buffers;
using System.Text;
using SimpleBB.Protocol;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class LineFramerTests
{
    private static (FrameStatus Status, string Line, string Remaining) Read(ref LineFramer framer, ReadOnlySequence<byte> buffer)
    {
        var status = framer.TryReadLine(ref buffer, out var line);
        return (status, status == FrameStatus.Line ? Segments.Text(line) : "", Segments.Text(buffer));
    }

    [Fact]
    public void Framer_returns_a_line_split_across_three_reads()
    {
        var framer = new LineFramer(1024);

        Assert.Equal(FrameStatus.NeedMore, Read(ref framer, Segments.Single("{\"type\"")).Status);
        Assert.Equal(FrameStatus.NeedMore, Read(ref framer, Segments.Single("{\"type\":\"pi")).Status);
        var (status, line, rest) = Read(ref framer, Segments.Single("{\"type\":\"ping\"}\n"));

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal("{\"type\":\"ping\"}", line);
        Assert.Equal("", rest);
    }

    [Fact]
    public void Framer_returns_a_line_spread_over_three_segments()
    {
        var framer = new LineFramer(1024);
        var buffer = Segments.Of("hel", "lo wo", "rld\nnext");

        var (status, line, rest) = Read(ref framer, buffer);

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal("hello world", line);
        Assert.Equal("next", rest);
    }

    [Fact]
    public void Framer_waits_for_more_when_the_newline_has_not_arrived_in_any_segment()
    {
        var framer = new LineFramer(1024);
        var buffer = Segments.Of("hel", "lo", " world");

        var status = framer.TryReadLine(ref buffer, out _);

        Assert.Equal(FrameStatus.NeedMore, status);
        Assert.Equal("hello world", Segments.Text(buffer)); // nothing consumed
    }

    [Fact]
    public void Framer_returns_several_lines_from_one_buffer_in_order()
    {
        var framer = new LineFramer(1024);
        var buffer = Segments.Single("a\nbb\nccc\ndd");
        var lines = new List<string>();

        while (framer.TryReadLine(ref buffer, out var line) == FrameStatus.Line)
        {
            lines.Add(Segments.Text(line));
        }

        Assert.Equal(["a", "bb", "ccc"], lines);
        Assert.Equal("dd", Segments.Text(buffer));
    }

    [Fact]
    public void Framer_strips_CRLF_but_keeps_a_CR_inside_the_line()
    {
        var framer = new LineFramer(1024);
        var buffer = Segments.Single("abc\r\na\rb\n");

        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref buffer, out var first));
        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref buffer, out var second));

        Assert.Equal("abc", Segments.Text(first));
        Assert.Equal("a\rb", Segments.Text(second));
    }

    [Fact]
    public void Framer_strips_a_CR_that_ends_one_segment_before_the_LF_in_the_next()
    {
        var framer = new LineFramer(1024);
        var buffer = Segments.Of("ab", "c\r", "\n");

        var (status, line, rest) = Read(ref framer, buffer);

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal("abc", line);
        Assert.Equal("", rest);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Framer_returns_an_empty_line_for_a_bare_line_ending(string input)
    {
        var framer = new LineFramer(1024);
        var buffer = Segments.Single(input + "x");

        var status = framer.TryReadLine(ref buffer, out var line);

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal(0, line.Length);
        Assert.Equal("x", Segments.Text(buffer));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Framer_accepts_a_line_of_exactly_the_maximum_length(string ending)
    {
        var framer = new LineFramer(8);
        var buffer = Segments.Single("12345678" + ending);

        var (status, line, _) = Read(ref framer, buffer);

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal("12345678", line);
    }

    [Fact]
    public void Framer_refuses_a_complete_line_one_byte_over_the_maximum()
    {
        var framer = new LineFramer(8);
        var buffer = Segments.Single("123456789\n");

        Assert.Equal(FrameStatus.TooLong, framer.TryReadLine(ref buffer, out _));
    }

    [Fact]
    public void Framer_refuses_a_line_over_the_maximum_before_its_newline_arrives()
    {
        var framer = new LineFramer(8);
        var exactly = Segments.Single("12345678");
        var over = Segments.Single("123456789");

        Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref exactly, out _));
        Assert.Equal(FrameStatus.TooLong, framer.TryReadLine(ref over, out _));
    }

    [Fact]
    public void Framer_refuses_an_incomplete_over_long_line_spread_over_segments()
    {
        var framer = new LineFramer(8);
        var buffer = Segments.Of("1234", "5678", "9");

        Assert.Equal(FrameStatus.TooLong, framer.TryReadLine(ref buffer, out _));
    }

    [Fact]
    public void Framer_refuses_an_over_long_line_that_follows_a_good_one_in_the_same_buffer()
    {
        var framer = new LineFramer(8);
        var buffer = Segments.Single("ok\n123456789");

        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref buffer, out var line));
        Assert.Equal("ok", Segments.Text(line));
        Assert.Equal(FrameStatus.TooLong, framer.TryReadLine(ref buffer, out _));
    }

    [Fact]
    public void Framer_finds_the_line_in_a_buffer_grown_byte_by_byte()
    {
        const string payload = "{\"type\":\"suggest\",\"project\":\"foo\",\"revision\":\"master\"}";
        var bytes = Encoding.UTF8.GetBytes(payload + "\n");
        var framer = new LineFramer(payload.Length); // the whole line is exactly the maximum

        for (var length = 1; length < bytes.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref partial, out _));
        }
        var (status, line, rest) = Read(ref framer, new ReadOnlySequence<byte>(bytes));

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal(payload, line);
        Assert.Equal("", rest);
    }

    [Fact]
    public void Framer_finds_the_line_in_a_buffer_grown_byte_by_byte_with_one_segment_per_byte()
    {
        var bytes = Encoding.UTF8.GetBytes("first line\r\n");
        var framer = new LineFramer(64);

        for (var length = 1; length < bytes.Length; length++)
        {
            var partial = Segments.ByteByByte(bytes.AsSpan(0, length));
            Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref partial, out _));
        }
        var (status, line, _) = Read(ref framer, Segments.ByteByByte(bytes));

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal("first line", line);
    }

    [Fact]
    public void Framer_finds_the_next_line_when_the_rest_of_a_buffer_keeps_growing()
    {
        var framer = new LineFramer(64);
        var buffer = Segments.Single("first\nsec");

        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref buffer, out var first));
        Assert.Equal("first", Segments.Text(first));
        Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref buffer, out _));

        // The reader hands back the unconsumed "sec" with more bytes after it.
        var grown = Segments.Of("sec", "ond\nthi");
        var (status, line, rest) = Read(ref framer, grown);

        Assert.Equal(FrameStatus.Line, status);
        Assert.Equal("second", line);
        Assert.Equal("thi", rest);
    }

    [Fact]
    public void Framer_finds_short_lines_right_after_a_long_line_that_arrived_in_pieces()
    {
        var framer = new LineFramer(64);
        var partial = Segments.Single("aaaaaaaaaaaa");
        Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref partial, out _));

        // The rest of the buffer after the long line is shorter than what was already searched.
        var buffer = Segments.Of("aaaaaaaaaaaa", "\nb\ncc\n");
        var lines = new List<string>();
        while (framer.TryReadLine(ref buffer, out var line) == FrameStatus.Line)
        {
            lines.Add(Segments.Text(line));
        }

        Assert.Equal(["aaaaaaaaaaaa", "b", "cc"], lines);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Framer_still_refuses_a_line_that_grows_past_the_maximum_byte_by_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('x', 20));
        var framer = new LineFramer(10);
        var statuses = new List<FrameStatus>();

        for (var length = 1; length <= bytes.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, length);
            statuses.Add(framer.TryReadLine(ref partial, out _));
        }

        Assert.All(statuses.Take(10), s => Assert.Equal(FrameStatus.NeedMore, s));
        Assert.All(statuses.Skip(10), s => Assert.Equal(FrameStatus.TooLong, s));
    }

    [Fact]
    public void Framer_does_not_refuse_a_maximum_length_line_whose_CR_arrives_before_its_LF()
    {
        var framer = new LineFramer(8);
        var beforeLf = Segments.Single("12345678\r");

        // Once the "\n" arrives this line is accepted (see Framer_accepts_a_line_of_exactly_the_maximum_length),
        // so it must not be refused just because TCP delivered the "\r" first.
        Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref beforeLf, out _));
    }
}
