using Serilog;
using Serilog.Core;
using Serilog.Events;
using SimpleBB.Hosting;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class ResultLogLineTests
{
    private static ResultMessage Result(int exitCode, bool timedOut, string id = "m3k9x2a1-17") => new()
    {
        Id = id,
        Project = "foo",
        Revision = "feature/x-y",
        ExitCode = exitCode,
        TimedOut = timedOut,
        DurationMs = 1234,
        Uname = new Uname { Sysname = "Linux", Nodename = "n1", Release = "6.8.0-45-generic", Version = "#45 SMP", Machine = "x86_64" },
        Runtime = ".NET 10.0.0",
        Output = "",
    };

    /// <summary>Renders a result the way the server's recorder does: its template, through the file formatter.</summary>
    private static string Render(ResultMessage result, string builder, string address = "127.0.0.1:40312")
    {
        var capture = new Capture();
        using (var log = new LoggerConfiguration().WriteTo.Sink(capture).CreateLogger())
        {
            log.Information(ResultLogLine.Template, result.Outcome, result.Project, result.Revision,
                builder, result.Uname.Sysname, result.Uname.Release, result.Uname.Machine, result.Runtime,
                result.DurationMs, result.Id, address);
        }
        var writer = new StringWriter();
        LogSetup.FileFormatter().Format(Assert.Single(capture.Events), writer);
        return writer.ToString().TrimEnd('\r', '\n');
    }

    [Theory]
    [InlineData(0, false, "SUCCESS")]
    [InlineData(1, false, "FAILED 1")]
    [InlineData(-1, false, "FAILED -1")]
    [InlineData(137, false, "FAILED 137")]
    [InlineData(0, true, "TIMEOUT")]
    [InlineData(143, true, "TIMEOUT")]
    public void Outcome_names_success_failure_code_and_timeout(int exitCode, bool timedOut, string expected)
    {
        Assert.Equal(expected, Result(exitCode, timedOut).Outcome);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public void A_rendered_result_line_parses_back_to_its_builder_and_build_id(int exitCode, bool timedOut)
    {
        var line = Render(Result(exitCode, timedOut), "build-01.example.com");

        Assert.True(ResultLogLine.TryParse(line, out var builder, out var id), line);
        Assert.Equal("build-01.example.com", builder);
        Assert.Equal("m3k9x2a1-17", id);
        Assert.Contains("[INF] " + Result(exitCode, timedOut).Outcome + " foo/feature/x-y on ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_line_from_an_IPv6_peer_parses()
    {
        var line = Render(Result(0, false, id: "abc-1"), "b1", address: "[::1]:50000");

        Assert.True(ResultLogLine.TryParse(line, out var builder, out var id), line);
        Assert.Equal(("b1", "abc-1"), (builder, id));
    }

    [Fact]
    public void A_result_line_written_to_the_server_log_parses_back()
    {
        using var dir = new TempDirectory();
        var path = dir.File("server.log");
        using (var sink = new FileLogSink(path, LogSetup.FileFormatter(), 0, 1))
        using (var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger())
        {
            var result = Result(2, false, id: "zz-9");
            log.Information("Builder {Builder} connected", "b7");
            log.Information(ResultLogLine.Template, result.Outcome, result.Project, result.Revision,
                "b7", result.Uname.Sysname, result.Uname.Release, result.Uname.Machine, result.Runtime,
                result.DurationMs, result.Id, "10.0.0.7:1234");
        }

        var parsed = File.ReadAllLines(path)
            .Select(l => ResultLogLine.TryParse(l, out var b, out var i) ? (b, i) : default((string, string)?))
            .ToList();

        Assert.Equal(new (string, string)?[] { null, ("b7", "zz-9") }, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [INF] Server listening on 0.0.0.0:7900")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [INF] Builder b1 (127.0.0.1:5000) connected")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [WRN] Rejected message from builder b1 (127.0.0.1:5000): bad-message: SUCCESS")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [INF] Suggested foo/master as build abc-1 to 2 builders")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [INF] FAILED x foo/master on b1 (Linux 6 x86_64, .NET) in 5 ms [build abc-1] from 1.2.3.4:5")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [INF] SUCCESS foo/master on b1 (Linux 6 x86_64, .NET) in 5 ms [build ] from 1.2.3.4:5")]
    [InlineData("2025-11-25 01:41:47.383 +00:00 [INF] SUCCESS foo/master on b1 (Linux 6 x86_64, .NET) in 5 ms")]
    [InlineData("SUCCESS foo/master on b1 (Linux 6 x86_64, .NET) in 5 ms [build abc-1] from 1.2.3.4:5")]
    public void Lines_that_are_not_results_do_not_parse(string line)
    {
        Assert.False(ResultLogLine.TryParse(line, out var builder, out var id));
        Assert.Equal("", builder);
        Assert.Equal("", id);
    }

    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
