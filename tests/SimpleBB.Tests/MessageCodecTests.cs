using System.Buffers;
using System.Text;
using SimpleBB.Protocol;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class MessageCodecTests
{
    private static readonly Uname SampleUname = new()
    {
        Sysname = "Linux",
        Nodename = "build-01",
        Release = "6.8.0-45-generic",
        Version = "#45-Ubuntu SMP PREEMPT_DYNAMIC",
        Machine = "x86_64",
    };

    /// <summary>One of every message type, with every field set to something other than its default.</summary>
    private static readonly Dictionary<string, Message> Samples = new()
    {
        ["hello"] = new Hello { Role = Roles.Builder, Name = "b1", Version = "0.1.0", Protocol = 1 },
        ["hello-with-token"] = new Hello { Role = Roles.Suggest, Name = "simplebb-suggest", Version = "0.1.0", Protocol = 1, Token = "s3cr3t" },
        ["welcome"] = new Welcome { Server = "simplebb-server", Version = "0.1.0", Protocol = 1, HeartbeatSeconds = 30 },
        ["error"] = new ErrorMessage { Code = ErrorCodes.BadRevision, Message = "revision \"-x\" starts with a dash" },
        ["error-with-id"] = new ErrorMessage { Code = ErrorCodes.UnknownBuild, Message = "no such build", Id = "m3k9x2a1-17" },
        ["suggest"] = new SuggestMessage { Project = "my-project_2", Revision = "feature/x-y" },
        ["accepted"] = new Accepted { Id = "m3k9x2a1-1", Project = "foo", Revision = "master", Builders = 3 },
        ["build"] = new BuildMessage { Id = "m3k9x2a1-2", Project = "foo", Revision = "0123456789abcdef0123456789abcdef01234567" },
        ["result"] = new ResultMessage
        {
            Id = "m3k9x2a1-3",
            Project = "foo",
            Revision = "v1.0",
            ExitCode = -1,
            TimedOut = true,
            DurationMs = 123_456_789_012,
            Uname = SampleUname,
            Runtime = ".NET 10.0.0",
            Output = "line 1\nline 2\r\n\ttabbed \"quoted\" \\ é € 😀\n",
        },
        ["ack"] = new Ack { Id = "m3k9x2a1-3" },
        ["ping"] = Ping.Instance,
        ["pong"] = Pong.Instance,
        ["bye"] = new Bye { Reason = "server shutting down" },
        ["started"] = new StartedMessage { Id = "m3k9x2a1-4" },
        ["scripts"] = new ScriptsMessage { Scripts = [new ScriptInfo { Name = "foo", Sha256 = new string('a', 64) }] },
        ["lost"] = new LostMessage { Id = "m3k9x2a1-5", Builder = "b2", Reason = "connection closed" },
        ["status"] = new StatusRequest { Follow = true },
        ["snapshot"] = new Snapshot { Builders = [], Results = [] },
        ["cancel"] = new CancelMessage { Id = "m3k9x2a1-6", Builder = "b1" },
        ["cancelling"] = new CancellingMessage { Id = "m3k9x2a1-6", Builders = ["b1"], Unable = ["b3"] },
        ["event"] = new EventMessage { Kind = "connected", Time = DateTimeOffset.UnixEpoch, Builder = "b1", Address = "10.0.0.7:42992" },
        ["output"] = new OutputMessage { Id = "m1-1", Builder = "b1", Data = "[simplebb: 12 bytes of output skipped]\nlinking\n", Skipped = 12 },
    };

    public static TheoryData<string> SampleNames => new(Samples.Keys);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_message_type_round_trips_through_encode_and_decode(string sample)
    {
        var original = Samples[sample];
        var frame = MessageCodec.Encode(original);

        var decoded = MessageCodec.Decode(frame.AsSpan(0, frame.Length - 1));

        Assert.False(decoded.IsError, decoded.Reason);
        Assert.Null(decoded.ErrorCode);
        Assert.IsType(original.GetType(), decoded.Message);
        if (original is not (Snapshot or ScriptsMessage or CancellingMessage))
        {
            Assert.Equal(original, decoded.Message); // records with arrays compare them by reference
        }
        Assert.Equal(frame, MessageCodec.Encode(decoded.Message!));
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Encoded_frame_starts_with_the_type_and_ends_with_exactly_one_newline(string sample)
    {
        var message = Samples[sample];

        var frame = MessageCodec.Encode(message);

        var text = Encoding.UTF8.GetString(frame);
        Assert.StartsWith("{\"type\":\"" + message.Type + "\"", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Equal(1, frame.Count(b => b == (byte)'\n'));
    }

    [Fact]
    public void Encoded_frame_has_no_newline_or_carriage_return_inside_even_when_strings_contain_them()
    {
        var message = new ErrorMessage { Code = "x\ny", Message = "one\ntwo\r\nthree\rfour\u2028five\u0085six", Id = "\n" };

        var frame = MessageCodec.Encode(message);

        Assert.Equal((byte)'\n', frame[^1]);
        Assert.DoesNotContain((byte)'\n', frame[..^1]);
        Assert.DoesNotContain((byte)'\r', frame);
        var decoded = MessageCodec.Decode(frame.AsSpan(0, frame.Length - 1));
        Assert.Equal(message, decoded.Message);
    }

    [Fact]
    public void ErrorMessage_without_an_id_leaves_the_id_out_of_the_frame()
    {
        var frame = MessageCodec.Encode(new ErrorMessage { Code = ErrorCodes.BadJson, Message = "nope" });

        var text = Encoding.UTF8.GetString(frame);
        Assert.DoesNotContain("\"id\"", text, StringComparison.Ordinal);
        Assert.Null(((ErrorMessage)MessageCodec.Decode(frame.AsSpan(0, frame.Length - 1)).Message!).Id);
    }

    [Fact]
    public void Hello_without_a_token_leaves_the_token_out_of_the_frame()
    {
        var text = Encoding.UTF8.GetString(MessageCodec.Encode(Samples["hello"]));

        Assert.DoesNotContain("token", text, StringComparison.Ordinal);
    }

    /// <summary>Every example line of docs/protocol.md, which it says are byte-exact output of the encoder.</summary>
    [Fact]
    public void Documented_example_lines_decode_and_encode_back_byte_for_byte()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SimpleBB.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var examples = File.ReadLines(Path.Combine(dir.FullName, "docs", "protocol.md"))
            .Select(l => l.TrimStart('<', '>', ' '))
            .Where(l => l.StartsWith("{\"type\":", StringComparison.Ordinal))
            .ToArray();

        var documented = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < examples.Length; i++)
        {
            var line = examples[i];
            var decoded = MessageCodec.Decode(Encoding.UTF8.GetBytes(line));
            if (decoded.IsError)
            {
                // A documented refusal: a later example is the server's exact answer to it (answers may be pipelined).
                var answer = examples.Skip(i + 1).Select(l => MessageCodec.Decode(Encoding.UTF8.GetBytes(l)).Message)
                    .OfType<ErrorMessage>().FirstOrDefault(e => e.Code == decoded.ErrorCode);
                Assert.True(answer is not null, $"{line}: {decoded.Reason} (and no documented error answers it)");
                Assert.Equal((decoded.ErrorCode, decoded.Reason, decoded.Id), (answer.Code, answer.Message, answer.Id));
                continue;
            }
            Assert.Equal(line + "\n", Encoding.UTF8.GetString(MessageCodec.Encode(decoded.Message!)));
            documented.Add(decoded.Message!.Type);
        }
        Assert.Equal(Samples.Values.Select(m => m.Type).ToHashSet(StringComparer.Ordinal).Order(), documented.Order());
    }

    [Fact]
    public void Strings_are_escaped_the_relaxed_way_the_protocol_describes()
    {
        var frame = MessageCodec.Encode(new Bye { Reason = "<a>&'/é€ \"\\\t\u0001\u007f\u0085\u2028\u2029😀" });

        var text = Encoding.UTF8.GetString(frame);
        Assert.Equal(
            "{\"type\":\"bye\",\"reason\":\"<a>&'/é€ \\\"\\\\\\t\\u0001\\u007F\\u0085\\u2028\\u2029\\uD83D\\uDE00\"}\n",
            text,
            ignoreCase: true);
    }

    [Fact]
    public void Encoded_fields_use_camel_case_names()
    {
        var text = Encoding.UTF8.GetString(MessageCodec.Encode(Samples["result"]));

        Assert.Contains("\"exitCode\":-1", text, StringComparison.Ordinal);
        Assert.Contains("\"timedOut\":true", text, StringComparison.Ordinal);
        Assert.Contains("\"durationMs\":123456789012", text, StringComparison.Ordinal);
        Assert.Contains("\"uname\":{\"sysname\":\"Linux\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_the_same_message_twice_gives_identical_independent_frames()
    {
        var first = MessageCodec.Encode(Samples["build"]);
        var second = MessageCodec.Encode(Samples["hello"]);
        var third = MessageCodec.Encode(Samples["build"]);

        Assert.Equal(first, third);
        Assert.NotSame(first, third);
        Assert.NotEqual(first, second); // the scratch buffer did not leak one frame into the next
    }

    [Fact]
    public void A_line_spread_over_several_segments_decodes_like_a_contiguous_one()
    {
        var frame = MessageCodec.Encode(Samples["result"]);
        var line = frame.AsSpan(0, frame.Length - 1);

        var decoded = MessageCodec.Decode(Segments.ByteByByte(line));

        Assert.Equal(Samples["result"], decoded.Message);
    }

    [Fact]
    public void A_bad_line_spread_over_several_segments_gives_the_same_error_as_a_contiguous_one()
    {
        var decoded = MessageCodec.Decode(Segments.Of("{\"type\":", "\"nope\"}"));

        Assert.Equal(ErrorCodes.UnknownType, decoded.ErrorCode);
    }

    [Fact]
    public void Decoding_accepts_a_line_that_still_ends_with_its_CR()
    {
        var decoded = MessageCodec.Decode("{\"type\":\"ping\"}\r"u8);

        Assert.IsType<Ping>(decoded.Message);
    }

    [Fact]
    public void Unknown_fields_are_ignored_at_every_level()
    {
        var line = "{\"type\":\"result\",\"new\":[1,{}],\"id\":\"a-1\",\"project\":\"p\",\"revision\":\"r\",\"exitCode\":0,"
            + "\"durationMs\":1,\"uname\":{\"sysname\":\"Linux\",\"nodename\":\"n\",\"release\":\"6\",\"version\":\"#1\","
            + "\"machine\":\"x86_64\",\"extra\":\"x\"},\"runtime\":\".NET\",\"output\":\"\",\"later\":null}";

        var decoded = MessageCodec.Decode(Encoding.UTF8.GetBytes(line));

        var result = Assert.IsType<ResultMessage>(decoded.Message);
        Assert.Equal("x86_64", result.Uname.Machine);
        Assert.False(result.TimedOut); // optional, defaults to false
    }

    [Fact]
    public void A_repeated_type_takes_its_last_value()
    {
        var decoded = MessageCodec.Decode("{\"type\":\"ping\",\"type\":\"pong\"}"u8);

        Assert.IsType<Pong>(decoded.Message);
    }

    [Fact]
    public void The_type_may_come_after_the_other_fields_and_spaces_may_surround_tokens()
    {
        var decoded = MessageCodec.Decode(" { \"id\" : \"a-1\" ,\t\"type\" : \"ack\" } \t"u8);

        Assert.Equal(new Ack { Id = "a-1" }, decoded.Message);
    }

    [Fact]
    public void A_single_segment_sequence_decodes()
    {
        var decoded = MessageCodec.Decode(new ReadOnlySequence<byte>("{\"type\":\"bye\",\"reason\":\"done\"}"u8.ToArray()));

        Assert.Equal(new Bye { Reason = "done" }, decoded.Message);
    }
}
