using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

public sealed class MessageDecodeFailureTests
{
    private static Decoded Decode(string line) => MessageCodec.Decode(Encoding.UTF8.GetBytes(line));

    private static void AssertFails(Decoded decoded, string expectedCode)
    {
        Assert.True(decoded.IsError);
        Assert.Null(decoded.Message);
        Assert.Equal(expectedCode, decoded.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(decoded.Reason));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t \t")]
    [InlineData("\r")]
    public void Empty_or_blank_line_is_an_empty_line_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.EmptyLine);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { (byte)'{', 0xC3, (byte)'}' })] // truncated two-byte sequence
    [InlineData(new byte[] { (byte)'{', 0x80, (byte)'}' })] // lone continuation byte
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong encoding of '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    public void Invalid_UTF8_is_a_bad_utf8_error(byte[] line)
    {
        AssertFails(MessageCodec.Decode(line), ErrorCodes.BadUtf8);
    }

    [Fact]
    public void Invalid_UTF8_inside_an_otherwise_valid_message_is_a_bad_utf8_error()
    {
        var line = "{\"type\":\"bye\",\"reason\":\"x\"}"u8.ToArray();
        line[^3] = 0xFE;

        AssertFails(MessageCodec.Decode(line), ErrorCodes.BadUtf8);
    }

    [Fact]
    public void A_line_of_NUL_bytes_is_a_bad_json_error()
    {
        AssertFails(MessageCodec.Decode(new byte[16]), ErrorCodes.BadJson);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("type=ping")]
    [InlineData("{")]
    [InlineData("{\"type\":\"ping\"")]
    [InlineData("{\"type\":\"ping\",}")]
    [InlineData("{'type':'ping'}")]
    [InlineData("{type:\"ping\"}")]
    [InlineData("[{\"type\":\"ping\"}]")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("-1.5e3")]
    [InlineData("\"ping\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{\"type\":\"ping\"} x")]
    [InlineData("{\"type\":\"ping\"}{\"type\":\"ping\"}")]
    [InlineData("{\"type\":\"ping\"}\u0000")]
    [InlineData("{\"type\":\"ping\"} // comment")]
    public void Anything_but_exactly_one_JSON_object_is_a_bad_json_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.BadJson);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"kind\":\"ping\"}")]
    [InlineData("{\"Type\":\"ping\"}")]
    [InlineData("{\"type\":1}")]
    [InlineData("{\"type\":null}")]
    [InlineData("{\"type\":true}")]
    [InlineData("{\"type\":[\"ping\"]}")]
    [InlineData("{\"type\":{\"type\":\"ping\"}}")]
    [InlineData("{\"inner\":{\"type\":\"ping\"}}")]
    public void An_object_without_a_top_level_string_type_is_a_missing_type_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.MissingType);
    }

    [Theory]
    [InlineData("{\"type\":\"\"}")]
    [InlineData("{\"type\":\"shutdown\"}")]
    [InlineData("{\"type\":\"PING\"}")]
    [InlineData("{\"type\":\"ping \"}")]
    public void An_unknown_type_is_an_unknown_type_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.UnknownType);
    }

    [Fact]
    public void An_unknown_type_error_does_not_echo_a_huge_type_in_full()
    {
        var decoded = Decode("{\"type\":\"" + new string('z', 10_000) + "\"}");

        AssertFails(decoded, ErrorCodes.UnknownType);
        Assert.True(decoded.Reason!.Length < 200, $"reason is {decoded.Reason.Length} characters");
    }

    [Theory]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"version\":\"1\",\"protocol\":1}")] // no name
    [InlineData("{\"type\":\"suggest\",\"project\":\"foo\"}")] // no revision
    [InlineData("{\"type\":\"ack\"}")] // no id
    [InlineData("{\"type\":\"bye\"}")] // no reason
    [InlineData("{\"type\":\"error\",\"code\":\"x\"}")] // no message
    [InlineData("{\"type\":\"result\",\"id\":\"a\",\"project\":\"p\",\"revision\":\"r\",\"exitCode\":0,\"durationMs\":1,\"runtime\":\"x\",\"output\":\"\"}")] // no uname
    [InlineData("{\"type\":\"result\",\"id\":\"a\",\"project\":\"p\",\"revision\":\"r\",\"exitCode\":0,\"durationMs\":1,\"uname\":{\"sysname\":\"Linux\"},\"runtime\":\"x\",\"output\":\"\"}")] // incomplete uname
    public void A_missing_required_field_is_a_bad_message_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.BadMessage);
    }

    [Theory]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"1\",\"protocol\":\"1\"}")]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"1\",\"protocol\":1.5}")]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"1\",\"protocol\":99999999999}")]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":7,\"version\":\"1\",\"protocol\":1}")]
    [InlineData("{\"type\":\"suggest\",\"project\":[\"foo\"],\"revision\":\"master\"}")]
    [InlineData("{\"type\":\"suggest\",\"project\":{},\"revision\":\"master\"}")]
    [InlineData("{\"type\":\"accepted\",\"id\":\"a\",\"project\":\"p\",\"revision\":\"r\",\"builders\":true}")]
    [InlineData("{\"type\":\"welcome\",\"server\":\"s\",\"version\":\"1\",\"protocol\":1,\"heartbeatSeconds\":\"30\"}")]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"1\",\"protocol\":1.0}")]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"1\",\"protocol\":1e0}")]
    [InlineData("{\"type\":\"accepted\",\"id\":\"a\",\"project\":\"p\",\"revision\":\"r\",\"builders\":2147483648}")]
    public void A_field_of_the_wrong_type_is_a_bad_message_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.BadMessage);
    }

    [Theory]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":null,\"version\":\"1\",\"protocol\":1}")]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"1\",\"protocol\":null}")]
    [InlineData("{\"type\":\"suggest\",\"project\":\"foo\",\"revision\":null}")]
    [InlineData("{\"type\":\"ack\",\"id\":null}")]
    [InlineData("{\"type\":\"result\",\"id\":\"a\",\"project\":\"p\",\"revision\":\"r\",\"exitCode\":0,\"durationMs\":1,\"uname\":null,\"runtime\":\"x\",\"output\":\"\"}")]
    public void Null_for_a_non_nullable_field_is_a_bad_message_error(string line)
    {
        AssertFails(Decode(line), ErrorCodes.BadMessage);
    }

    [Fact]
    public void Field_names_are_case_sensitive()
    {
        AssertFails(Decode("{\"type\":\"bye\",\"Reason\":\"x\"}"), ErrorCodes.BadMessage);
    }

    [Fact]
    public void A_byte_order_mark_is_a_bad_json_error()
    {
        AssertFails(MessageCodec.Decode([0xEF, 0xBB, 0xBF, .. "{\"type\":\"ping\"}"u8]), ErrorCodes.BadJson);
    }

    [Fact]
    public void Nesting_of_depth_8_is_accepted_and_depth_9_refused()
    {
        // The message object is depth 1; each array adds one.
        var depth8 = "{\"type\":\"ping\",\"a\":" + new string('[', 7) + new string(']', 7) + "}";
        var depth9 = "{\"type\":\"ping\",\"a\":" + new string('[', 8) + new string(']', 8) + "}";

        Assert.IsType<Ping>(Decode(depth8).Message);
        AssertFails(Decode(depth9), ErrorCodes.BadJson);
    }

    [Fact]
    public void Null_for_the_optional_error_id_is_accepted()
    {
        var decoded = Decode("{\"type\":\"error\",\"code\":\"x\",\"message\":\"y\",\"id\":null}");

        Assert.Equal(new ErrorMessage { Code = "x", Message = "y" }, decoded.Message);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{\"a\":", "}")]
    [InlineData("{\"type\":\"ping\",\"a\":[", "]}")]
    [InlineData("{\"type\":\"suggest\",\"project\":\"p\",\"revision\":\"r\",\"x\":{\"y\":", "}}")]
    public void Deeply_nested_JSON_is_refused_without_throwing(string open, string close)
    {
        const int depth = 10_000;
        var line = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));

        var decoded = Decode(line);

        Assert.True(decoded.IsError);
        Assert.Equal(ErrorCodes.BadJson, decoded.ErrorCode);
    }

    [Fact]
    public void Moderately_nested_unknown_fields_are_skipped()
    {
        var decoded = Decode("{\"type\":\"ping\",\"extra\":{\"a\":[1,{\"b\":null}]}}");

        Assert.IsType<Ping>(decoded.Message);
    }

    [Fact]
    public void Decode_does_not_throw_on_a_lone_surrogate_escape_in_the_type_or_a_property_name()
    {
        string[] lines =
        [
            "{\"type\":\"\\ud800\"}",
            "{\"type\":\"\\udc00x\"}",
            "{\"\\ud800\":1,\"type\":\"ping\"}",
        ];
        foreach (var line in lines)
        {
            var decoded = Decode(line);
            Assert.True(decoded.IsError, line);
        }
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_field_value_is_a_bad_message_error()
    {
        AssertFails(Decode("{\"type\":\"suggest\",\"project\":\"p\",\"revision\":\"\\ud800\"}"), ErrorCodes.BadMessage);
    }

    [Fact]
    public void Decode_never_throws_on_thousands_of_pseudo_random_lines()
    {
        var random = new Random(20_251_125);
        var json = "{}[]\":,.-+0123456789eEtrufalsn \\/btnu\t"u8.ToArray();
        var seeds = new[]
        {
            "{\"type\":\"ping\"}",
            "{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"version\":\"0.1.0\",\"protocol\":1}",
            "{\"type\":\"suggest\",\"project\":\"foo\",\"revision\":\"master\"}",
            "{\"type\":\"error\",\"code\":\"bad-json\",\"message\":\"x\",\"id\":\"a-1\"}",
            "{\"type\":\"result\",\"id\":\"a-1\",\"project\":\"p\",\"revision\":\"r\",\"exitCode\":1,\"timedOut\":false,\"durationMs\":5,"
                + "\"uname\":{\"sysname\":\"Linux\",\"nodename\":\"n\",\"release\":\"6\",\"version\":\"#1\",\"machine\":\"x86_64\"},"
                + "\"runtime\":\".NET\",\"output\":\"o\\n\\\"k\\\"\"}",
        }.Select(Encoding.UTF8.GetBytes).ToArray();

        var cases = 0;
        var messages = 0;
        for (var i = 0; i < 2000; i++)
        {
            // Random bytes, from the whole byte range or from JSON punctuation.
            var alphabet = i % 2 == 0 ? null : json;
            var bytes = new byte[random.Next(0, 80)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = alphabet is null ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }
            messages += DecodeSafely(bytes);
            cases++;
        }
        for (var i = 0; i < 3000; i++)
        {
            var bytes = Mutate(random, seeds[i % seeds.Length], json);
            messages += DecodeSafely(bytes);
            cases++;
        }

        Assert.Equal(5000, cases);
        Assert.InRange(messages, 1, cases - 1); // some mutations stay valid, most do not
    }

    /// <summary>Decodes and checks the outcome is exactly one of message or error; returns 1 for a message.</summary>
    private static int DecodeSafely(byte[] bytes)
    {
        Decoded decoded;
        try
        {
            decoded = MessageCodec.Decode(bytes);
        }
        catch (Exception ex)
        {
            Assert.Fail($"Decode threw {ex.GetType().Name} for {Convert.ToHexString(bytes)}: {ex.Message}");
            throw;
        }
        if (decoded.Message is null)
        {
            Assert.False(string.IsNullOrEmpty(decoded.ErrorCode), Convert.ToHexString(bytes));
            Assert.False(string.IsNullOrEmpty(decoded.Reason), Convert.ToHexString(bytes));
            return 0;
        }
        Assert.Null(decoded.ErrorCode);
        return 1;
    }

    private static byte[] Mutate(Random random, byte[] seed, byte[] alphabet)
    {
        var bytes = new List<byte>(seed);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    var length = random.Next(1, Math.Min(16, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
            }
        }
        return [.. bytes];
    }
}
