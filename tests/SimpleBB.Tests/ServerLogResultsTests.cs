using Serilog;
using SimpleBB.Hosting;
using SimpleBB.Server;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>Result lines in a real server.log: made from the entry alone, so a line already there is found exactly.</summary>
public sealed class ServerLogResultsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (FileLogSink Sink, Serilog.Core.Logger Log, ServerLogResults Results) Open(long maxBytes = 0)
    {
        var sink = new FileLogSink(_dir.File("server.log"), LogSetup.FileFormatter(), maxBytes, 2);
        var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        return (sink, log, new ServerLogResults(log, sink));
    }

    [Fact]
    public void A_result_line_keeps_its_format_and_names_the_output_file()
    {
        var (sink, log, results) = Open();
        using (sink)
        using (log)
        {
            results.Write([Results.Entry("mx-1"), Results.Entry("mx-2", output: "")]);
        }

        var lines = File.ReadAllLines(_dir.File("server.log"));
        var at = Results.Entry("mx-1").Finished.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff zzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"{at} [INF] SUCCESS foo/master on b1 (Linux 6.1 x86_64, .NET 10.0.12) in 5 ms [build mx-1] from 127.0.0.1:5000, output in logs/foo/mx-1-b1.log", lines[0]);
        Assert.EndsWith("[build mx-2] from 127.0.0.1:5000", lines[1]);
    }

    [Fact]
    public void Only_lines_not_already_in_the_log_are_reported_missing_even_after_a_rotation()
    {
        var (sink, log, results) = Open(maxBytes: 200);
        using (sink)
        using (log)
        {
            var from = results.Position;
            log.Information("something else happened");
            results.Write([Results.Entry("mx-1")]); // rotates: the line is now in server.log.1
            log.Information("and more");

            Assert.True(File.Exists(_dir.File("server.log.1")));
            var missing = results.Missing([Results.Entry("mx-1"), Results.Entry("mx-2")], from);
            Assert.Equal(["mx-2"], missing.Select(e => e.Id));
            Assert.Equal(["mx-2"], results.Missing([Results.Entry("mx-1"), Results.Entry("mx-2")], -1).Select(e => e.Id));
        }
    }

    [Fact]
    public void A_torn_last_line_is_cut_when_the_log_is_opened_so_the_next_line_is_not_glued_to_it()
    {
        File.WriteAllText(_dir.File("server.log"), "2026-12-01 10:00:00.000 +00:00 [INF] whole line\n2026-12-01 10:00:00.001 +00:00 [INF] SUCC");
        var (sink, log, results) = Open();
        using (sink)
        using (log)
        {
            results.Write([Results.Entry("mx-1")]);
        }

        var lines = File.ReadAllLines(_dir.File("server.log"));
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("whole line", lines[0]);
        Assert.Contains("[build mx-1]", lines[1]);
    }
}
