using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

/// <summary>docs/protocol.md, output: what decodes and what is refused.</summary>
public sealed class OutputMessageTests
{
    private static Decoded Decode(string line) => MessageCodec.Decode(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void An_output_chunk_round_trips_and_leaves_out_absent_fields()
    {
        var chunk = new OutputMessage { Id = "m1-1", Data = "compiling \"main.c\"\n" };

        var line = Encoding.UTF8.GetString(MessageCodec.Encode(chunk));

        Assert.Equal("{\"type\":\"output\",\"id\":\"m1-1\",\"data\":\"compiling \\\"main.c\\\"\\n\"}\n", line);
        Assert.Equal(chunk, Decode(line.TrimEnd('\n')).Message);
    }

    [Fact]
    public void A_forwarded_chunk_names_its_builder_and_what_was_skipped()
    {
        var decoded = Assert.IsType<OutputMessage>(Decode("{\"type\":\"output\",\"id\":\"m1-1\",\"builder\":\"alpha\",\"data\":\"x\",\"skipped\":12}").Message);

        Assert.Equal(("alpha", 12L), (decoded.Builder, decoded.Skipped));
    }

    [Fact]
    public void Data_longer_than_the_chunk_limit_is_refused_without_the_build_id()
    {
        var decoded = Decode($"{{\"type\":\"output\",\"id\":\"m1-1\",\"data\":\"{new string('x', ProtocolLimits.MaxOutputChunkBytes + 1)}\"}}");

        Assert.Equal(ErrorCodes.BadMessage, decoded.ErrorCode);
        Assert.Contains("data is longer than 16384 bytes", decoded.Reason);
        Assert.Null(decoded.Id); // a builder takes an error with a build id as the refusal of that result
    }

    [Theory]
    [InlineData("{\"type\":\"output\",\"id\":\"../x\",\"data\":\"x\"}", "build id")]
    [InlineData("{\"type\":\"output\",\"id\":\"m1-1\",\"data\":\"x\",\"skipped\":-1}", "skipped")]
    [InlineData("{\"type\":\"output\",\"id\":\"m1-1\"}", "data")]
    public void A_bad_chunk_is_refused_naming_the_field(string line, string mentions)
    {
        var decoded = Decode(line);

        Assert.Null(decoded.Message);
        Assert.Contains(mentions, decoded.Reason);
    }

    [Fact]
    public void The_suggest_and_status_output_flags_are_written_only_when_set()
    {
        Assert.Equal("{\"type\":\"suggest\",\"project\":\"p\",\"revision\":\"r\",\"wait\":true,\"output\":true}\n",
            Encoding.UTF8.GetString(MessageCodec.Encode(new SuggestMessage { Project = "p", Revision = "r", Wait = true, Output = true })));
        Assert.Equal("{\"type\":\"status\",\"follow\":true}\n", Encoding.UTF8.GetString(MessageCodec.Encode(new StatusRequest { Follow = true })));
    }
}
