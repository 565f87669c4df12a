using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

/// <summary>
/// docs/protocol.md §3 and §4, rule by rule: each message checks itself once, where it is decoded, and says which field
/// is wrong in the protocol's own terms.
/// </summary>
public sealed class MessageValidationTests
{
    private const string Uname = "{\"sysname\":\"Linux\",\"nodename\":\"b1\",\"release\":\"6.1\",\"version\":\"#1\",\"machine\":\"x86_64\"}";
    private static readonly string Sha = new('a', 64);

    private static Decoded Decode(string line) => MessageCodec.Decode(Encoding.UTF8.GetBytes(line));

    /// <summary>A valid result line with <paramref name="fields"/> appended (a later duplicate field wins).</summary>
    private static string Result(string fields = "", string uname = Uname, string runtime = "\".NET 10\"") =>
        $"{{\"type\":\"result\",\"id\":\"m1-1\",\"project\":\"p\",\"revision\":\"r\",\"exitCode\":0,\"durationMs\":5,\"uname\":{uname},\"runtime\":{runtime},\"output\":\"\"{fields}}}";

    private static string Hello(string fields) =>
        $"{{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"b1\",\"protocol\":1{fields}}}";

    private static void AssertRefused(Decoded decoded, string code, string mentions)
    {
        Assert.Null(decoded.Message);
        Assert.Equal(code, decoded.ErrorCode);
        Assert.Contains(mentions, decoded.Reason);
        Assert.DoesNotContain("SimpleBB.", decoded.Reason); // protocol terms, never .NET type names
        Assert.DoesNotContain("System.", decoded.Reason);
    }

    [Fact]
    public void A_valid_result_decodes()
    {
        Assert.IsType<ResultMessage>(Decode(Result()).Message);
    }

    [Theory]
    [InlineData(",\"scriptSha256\":null")]
    [InlineData(",\"builder\":null")]
    [InlineData(",\"timedOut\":null")]
    [InlineData(",\"missingScript\":null")]
    public void Null_for_any_optional_field_means_absent(string field)
    {
        var result = Assert.IsType<ResultMessage>(Decode(Result(field)).Message);

        Assert.False(result.TimedOut);
        Assert.False(result.MissingScript);
        Assert.Null(result.ScriptSha256);
        Assert.Null(result.Builder);
    }

    [Theory]
    [InlineData(",\"version\":\"\"", "version")]
    [InlineData(",\"version\":\"   \"", "version")]
    [InlineData(",\"version\":\"1\\u0007\"", "version")]
    public void Hello_with_an_empty_blank_or_garbled_version_is_refused(string version, string mentions)
    {
        AssertRefused(Decode(Hello(version)), ErrorCodes.BadMessage, mentions);
    }

    [Fact]
    public void Hello_version_is_limited_in_bytes_not_characters()
    {
        Assert.IsType<Hello>(Decode(Hello($",\"version\":\"{new string('€', 21)}\"")).Message); // 63 bytes
        AssertRefused(Decode(Hello($",\"version\":\"{new string('€', 22)}\"")), ErrorCodes.BadMessage, "64 bytes"); // 66 bytes, 22 characters
    }

    [Fact]
    public void Hello_with_maxProtocol_below_protocol_is_refused()
    {
        AssertRefused(Decode(Hello(",\"version\":\"1\",\"maxProtocol\":0")), ErrorCodes.BadMessage, "maxProtocol");
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\" \"")]
    [InlineData("\"\\t\"")]
    public void Result_with_an_empty_or_blank_runtime_is_refused(string runtime)
    {
        AssertRefused(Decode(Result(runtime: runtime)), ErrorCodes.BadMessage, "runtime");
    }

    [Theory]
    [InlineData("sysname")]
    [InlineData("release")]
    [InlineData("machine")]
    public void Result_with_a_blank_uname_field_is_refused_naming_it(string field)
    {
        var uname = Uname.Replace($"\"{field}\":\"", $"\"{field}\":\" \",\"x{field}\":\"", StringComparison.Ordinal);

        AssertRefused(Decode(Result(uname: uname)), ErrorCodes.BadMessage, field);
    }

    [Fact]
    public void Result_with_a_negative_duration_is_refused()
    {
        AssertRefused(Decode(Result(",\"durationMs\":-5")), ErrorCodes.BadMessage, "durationMs");
    }

    [Fact]
    public void Result_that_both_timed_out_and_had_no_script_is_refused()
    {
        AssertRefused(Decode(Result(",\"exitCode\":-1,\"timedOut\":true,\"missingScript\":true")), ErrorCodes.BadMessage, "timedOut and missingScript");
    }

    [Theory]
    [InlineData(",\"interrupted\":true,\"cancelled\":true")]
    [InlineData(",\"timedOut\":true,\"interrupted\":true")]
    [InlineData(",\"timedOut\":true,\"cancelled\":true")]
    [InlineData(",\"exitCode\":-1,\"missingScript\":true,\"cancelled\":true")]
    [InlineData(",\"exitCode\":-1,\"missingScript\":true,\"interrupted\":true")]
    public void Result_with_two_outcome_flags_at_once_is_refused(string flags)
    {
        AssertRefused(Decode(Result(flags)), ErrorCodes.BadMessage, "at most one of timedOut, missingScript, interrupted and cancelled");
    }

    [Theory]
    [InlineData(",\"interrupted\":true", "INTERRUPTED")]
    [InlineData(",\"cancelled\":true", "CANCELLED")]
    public void Result_with_one_outcome_flag_decodes_to_its_outcome(string flag, string outcome)
    {
        Assert.Equal(outcome, Assert.IsType<ResultMessage>(Decode(Result(",\"exitCode\":143" + flag)).Message).Outcome);
    }

    [Fact]
    public void Result_without_a_script_must_have_exit_code_minus_one()
    {
        AssertRefused(Decode(Result(",\"missingScript\":true")), ErrorCodes.BadMessage, "exitCode -1");
        Assert.IsType<ResultMessage>(Decode(Result(",\"exitCode\":-1,\"missingScript\":true")).Message);
    }

    [Fact]
    public void Script_hash_must_be_lowercase_hex()
    {
        Assert.IsType<ResultMessage>(Decode(Result($",\"scriptSha256\":\"{Sha}\"")).Message);
        AssertRefused(Decode(Result($",\"scriptSha256\":\"{Sha.ToUpperInvariant()}\"")), ErrorCodes.BadMessage, "lowercase");
        AssertRefused(Decode($"{{\"type\":\"scripts\",\"scripts\":[{{\"name\":\"p\",\"sha256\":\"{Sha.ToUpperInvariant()}\"}}]}}"),
            ErrorCodes.BadMessage, "lowercase");
    }

    [Fact]
    public void A_refused_result_keeps_its_id_so_the_builder_can_drop_it()
    {
        Assert.Equal("m1-1", Decode(Result(",\"durationMs\":-1")).Id);
    }

    [Fact]
    public void Project_names_are_limited_in_UTF8_bytes()
    {
        Assert.IsType<SuggestMessage>(Decode($"{{\"type\":\"suggest\",\"project\":\"{new string('é', 50)}\",\"revision\":\"r\"}}").Message); // 100 bytes
        AssertRefused(Decode($"{{\"type\":\"suggest\",\"project\":\"{new string('é', 51)}\",\"revision\":\"r\"}}"), ErrorCodes.BadProject, "100 bytes");
        AssertRefused(Decode($"{{\"type\":\"suggest\",\"project\":\"{string.Concat(Enumerable.Repeat("😀", 26))}\",\"revision\":\"r\"}}"),
            ErrorCodes.BadProject, "100 bytes"); // 26 characters, 104 bytes
    }

    [Fact]
    public void A_scripts_list_holds_at_most_300_entries_each_once()
    {
        static string Scripts(IEnumerable<string> names) =>
            "{\"type\":\"scripts\",\"scripts\":[" + string.Join(",", names.Select(n => $"{{\"name\":\"{n}\",\"sha256\":\"{Sha}\"}}")) + "]}";

        Assert.IsType<ScriptsMessage>(Decode(Scripts(Enumerable.Range(0, ProtocolLimits.MaxScripts).Select(i => $"p{i}"))).Message);
        AssertRefused(Decode(Scripts(Enumerable.Range(0, ProtocolLimits.MaxScripts + 1).Select(i => $"p{i}"))), ErrorCodes.BadMessage, "at most 300");
        AssertRefused(Decode(Scripts(["p", "p"])), ErrorCodes.BadMessage, "twice");
    }

    [Theory]
    [InlineData(",\"last\":0", ErrorCodes.BadMessage, "last must be from 1 to 1000, not 0")]
    [InlineData(",\"last\":1001", ErrorCodes.BadMessage, "last must be from 1 to 1000, not 1001")]
    [InlineData(",\"last\":-3", ErrorCodes.BadMessage, "last must be from 1 to 1000, not -3")]
    [InlineData(",\"last\":2.5", ErrorCodes.BadMessage, "field last: expected")]
    [InlineData(",\"last\":\"20\"", ErrorCodes.BadMessage, "field last: expected")]
    [InlineData(",\"project\":\"../x\"", ErrorCodes.BadProject, "project name \"../x\"")]
    [InlineData(",\"project\":\"\"", ErrorCodes.BadProject, "project name is empty")]
    [InlineData(",\"builder\":\"my laptop\"", ErrorCodes.BadMessage, "builder name \"my laptop\" contains a space")]
    public void A_status_request_for_last_results_with_a_bad_value_is_refused_naming_it(string fields, string code, string mentions)
    {
        AssertRefused(Decode($"{{\"type\":\"status\"{fields}}}"), code, mentions);
    }

    [Fact]
    public void A_status_request_for_last_results_decodes_its_fields_and_fills_in_the_default_count()
    {
        var both = Assert.IsType<StatusRequest>(Decode("{\"type\":\"status\",\"project\":\"foo\",\"builder\":\"b1\",\"last\":1000}").Message);
        var projectOnly = Assert.IsType<StatusRequest>(Decode("{\"type\":\"status\",\"project\":\"foo\",\"last\":null}").Message);
        var plain = Assert.IsType<StatusRequest>(Decode("{\"type\":\"status\",\"follow\":true}").Message);

        Assert.Equal(("foo", "b1", 1000, true), (both.Project, both.Builder, both.LastOrDefault, both.AsksForLast));
        Assert.Equal((null, ProtocolLimits.DefaultLastResults, true), (projectOnly.Builder, projectOnly.LastOrDefault, projectOnly.AsksForLast));
        Assert.False(plain.AsksForLast);
    }

    [Theory]
    [InlineData(",\"durationMs\":\"5\"", "durationMs")]
    [InlineData(",\"durationMs\":1.5", "durationMs")]
    [InlineData(",\"exitCode\":\"0\"", "exitCode")]
    [InlineData(",\"timedOut\":\"yes\"", "timedOut")]
    [InlineData(",\"missingScript\":1", "missingScript")]
    public void A_field_of_the_wrong_type_is_named_with_what_it_expects(string field, string name)
    {
        var decoded = Decode(Result(field));

        AssertRefused(decoded, ErrorCodes.BadMessage, $"field {name}: expected");
    }
}
