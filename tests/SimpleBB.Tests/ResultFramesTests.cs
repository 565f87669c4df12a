using System.Text;
using SimpleBB.Builder;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

/// <summary>Outbox frames go to each server as its protocol version understands them.</summary>
public sealed class ResultFramesTests
{
    private static byte[] Frame(bool interrupted = false, bool cancelled = false) => MessageCodec.Encode(new ResultMessage
    {
        Id = "s-1", Project = "p", Revision = "r", ExitCode = 143, Interrupted = interrupted, Cancelled = cancelled, DurationMs = 5,
        Uname = new Uname { Sysname = "Linux", Nodename = "b1", Release = "6.1", Version = "#1", Machine = "x86_64" }, Runtime = ".NET 10", Output = "",
    });

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_version_2_server_gets_the_result_without_the_flags_it_would_not_understand(bool interrupted, bool cancelled)
    {
        var line = ResultFrames.ForProtocol(Frame(interrupted, cancelled), 2);

        var text = Encoding.UTF8.GetString(line.Span);
        Assert.EndsWith("\n", text);
        Assert.DoesNotContain("interrupted", text);
        Assert.DoesNotContain("cancelled", text);
        Assert.Equal("FAILED 143", Assert.IsType<ResultMessage>(MessageCodec.Decode(line.Span[..^1]).Message).Outcome);
    }

    [Fact]
    public void A_version_3_server_gets_the_stored_bytes_unchanged()
    {
        var frame = Frame(interrupted: true);
        Assert.True(ResultFrames.ForProtocol(frame, 3).Span.SequenceEqual(frame));
    }

    [Fact]
    public void A_result_without_flags_is_sent_as_stored_to_any_version()
    {
        var frame = Frame();
        Assert.True(ResultFrames.ForProtocol(frame, 1).Span.SequenceEqual(frame));
    }
}
