using Serilog;
using Serilog.Core;
using SimpleBB.Hosting;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class FileLogSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private FileLogSink NewSink(long maxBytes = 0, int keep = 3) =>
        new(_dir.File("server.log"), LogSetup.FileFormatter(), maxBytes, keep);

    private static Logger LoggerFor(FileLogSink sink) => new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

    /// <summary>Reads a log file the way tail or another process would, while the sink still has it open.</summary>
    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string[] Lines(string path) => ReadShared(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void An_event_outside_a_batch_is_in_the_file_at_once()
    {
        using var sink = NewSink();
        using var log = LoggerFor(sink);

        log.Information("Server started on port {Port}", 7900);

        var line = Assert.Single(Lines(sink.FilePath));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[INF\] Server started on port 7900$", line);
    }

    [Fact]
    public void Events_inside_a_batch_reach_the_file_only_when_flushed()
    {
        using var sink = NewSink();
        using var log = LoggerFor(sink);
        log.Information("before the batch");

        using (FileLogSink.BeginBatch())
        {
            log.Information("result {N}", 1);
            log.Information("result {N}", 2);

            Assert.DoesNotContain("result", ReadShared(sink.FilePath), StringComparison.Ordinal);
            Assert.Contains("before the batch", ReadShared(sink.FilePath), StringComparison.Ordinal);

            sink.Flush(toDisk: false);

            var text = ReadShared(sink.FilePath);
            Assert.Contains("result 1", text, StringComparison.Ordinal);
            Assert.Contains("result 2", text, StringComparison.Ordinal);
        }

        log.Information("after the batch");
        Assert.EndsWith("after the batch", Lines(sink.FilePath)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_batches_flush_per_event_again_only_after_the_outer_one_ends()
    {
        using var sink = NewSink();
        using var log = LoggerFor(sink);

        using (FileLogSink.BeginBatch())
        {
            using (FileLogSink.BeginBatch())
            {
                log.Information("inner");
            }
            log.Information("outer");
            Assert.Equal("", ReadShared(sink.FilePath));
        }
        log.Information("outside");

        Assert.Equal(3, Lines(sink.FilePath).Length);
    }

    [Fact]
    public void Flush_to_disk_writes_batched_events()
    {
        using var sink = NewSink();
        using var log = LoggerFor(sink);

        using (FileLogSink.BeginBatch())
        {
            log.Information("durable");
            sink.Flush(toDisk: true);
        }

        Assert.Contains("durable", ReadShared(sink.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Reopening_appends_to_the_existing_log()
    {
        using (var first = NewSink())
        using (var log = LoggerFor(first))
        {
            log.Information("first run");
        }
        using var second = NewSink();
        using var log2 = LoggerFor(second);

        log2.Information("second run");

        var lines = Lines(second.FilePath);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("first run", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("second run", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Rotation_keeps_the_current_name_and_shifts_older_parts_up_to_keep()
    {
        // Each line is about 80 bytes, so every second event fills the 100-byte file and rotates it.
        using var sink = NewSink(maxBytes: 100, keep: 2);
        using var log = LoggerFor(sink);
        var pad = new string('x', 30);

        for (var n = 1; n <= 7; n++)
        {
            log.Information("event {N} {Pad}", n, pad);
        }

        var path = sink.FilePath;
        Assert.Equal(_dir.File("server.log"), path);
        Assert.Equal(["event 7"], Events(path));
        Assert.Equal(["event 5", "event 6"], Events(path + ".1"));
        Assert.Equal(["event 3", "event 4"], Events(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        Assert.Equal(3, Directory.GetFiles(_dir.Path).Length);
    }

    [Fact]
    public void Rotation_with_keep_zero_starts_a_fresh_file_and_keeps_no_parts()
    {
        using var sink = NewSink(maxBytes: 100, keep: 0);
        using var log = LoggerFor(sink);
        var pad = new string('x', 30);

        for (var n = 1; n <= 3; n++)
        {
            log.Information("event {N} {Pad}", n, pad);
        }

        Assert.Equal(["event 3"], Events(sink.FilePath));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void A_batch_rotates_only_when_flushed_so_it_stays_in_one_file()
    {
        using var sink = NewSink(maxBytes: 100, keep: 2);
        using var log = LoggerFor(sink);
        var pad = new string('x', 30);

        using (FileLogSink.BeginBatch())
        {
            for (var n = 1; n <= 4; n++)
            {
                log.Information("event {N} {Pad}", n, pad);
            }
            sink.Flush(toDisk: true);
        }

        Assert.Equal(["event 1", "event 2", "event 3", "event 4"], Events(sink.FilePath + ".1"));
        Assert.Equal("", ReadShared(sink.FilePath));
    }

    [Fact]
    public void A_reader_holding_the_log_open_keeps_reading_the_old_part_after_rotation()
    {
        using var sink = NewSink(maxBytes: 100, keep: 1);
        using var log = LoggerFor(sink);
        var pad = new string('x', 30);
        log.Information("event {N} {Pad}", 1, pad);
        using var tail = new FileStream(sink.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        log.Information("event {N} {Pad}", 2, pad); // rotates
        log.Information("event {N} {Pad}", 3, pad);

        using var reader = new StreamReader(tail);
        var seen = reader.ReadToEnd();
        Assert.Contains("event 2", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("event 3", seen, StringComparison.Ordinal);
        Assert.Equal(["event 3"], Events(sink.FilePath));
    }

    [Fact]
    public void Disposing_twice_is_safe_and_keeps_what_was_written()
    {
        var sink = NewSink();
        var log = LoggerFor(sink);
        using (FileLogSink.BeginBatch())
        {
            log.Information("last words");
        }

        log.Dispose(); // the logger disposes its sinks
        sink.Dispose();
        sink.Dispose();

        Assert.Contains("last words", ReadShared(sink.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Flush_reports_an_event_that_could_not_be_written()
    {
        var sink = NewSink();
        using var log = LoggerFor(sink);
        sink.Dispose();

        log.Information("lost"); // Serilog swallows the sink's exception

        Assert.Throws<IOException>(() => sink.Flush(toDisk: false));
    }

    [Fact]
    public void A_failed_rotation_is_reported_once_and_logging_resumes_when_the_obstacle_is_gone()
    {
        var blocker = _dir.File("server.log.1");
        Directory.CreateDirectory(blocker); // File.Move(server.log, server.log.1) fails
        File.WriteAllText(Path.Combine(blocker, "x"), "x");
        var sink = NewSink(maxBytes: 100, keep: 1);
        var log = LoggerFor(sink);
        var pad = new string('x', 30);
        log.Information("event {N} {Pad}", 1, pad);
        log.Information("event {N} {Pad}", 2, pad); // fills the file: rotation fails

        Assert.Throws<IOException>(() => sink.Flush(toDisk: false));
        Directory.Delete(blocker, recursive: true);
        log.Information("event {N} {Pad}", 3, pad);

        sink.Flush(toDisk: false);
        log.Dispose();
        Assert.Contains("event 3", string.Concat(Directory.GetFiles(_dir.Path).Select(ReadShared)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_directory_is_created_when_missing()
    {
        var path = Path.Combine(_dir.Path, "a", "b", "server.log");
        using var sink = new FileLogSink(path, LogSetup.FileFormatter(), 0, 1);
        using var log = LoggerFor(sink);

        log.Information("here");

        Assert.Contains("here", ReadShared(path), StringComparison.Ordinal);
    }

    /// <summary>The "event N" part of each line of a log file.</summary>
    private static string[] Events(string path) =>
        Lines(path).Select(line =>
        {
            var start = line.IndexOf("event ", StringComparison.Ordinal);
            return line.Substring(start, line.IndexOf(' ', start + 6) - start);
        }).ToArray();
}
