using Microsoft.Data.Sqlite;
using Serilog.Core;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Store;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The recorder without sockets: a real results store (made to fill up on demand), server.log in memory, fake peers.</summary>
public sealed class ResultRecorderTests : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly MemoryResultLog _log = new();
    private readonly BuildRegistry _registry = new(Logger.None, new BuildIds(DateTimeOffset.UtcNow), 1000, 1000);
    private readonly LatestResults _latest = new(100);
    private readonly FakePeer _builder = new("b1");
    private readonly List<(ResultRecorder Recorder, Task Run)> _running = [];

    public ResultRecorderTests()
    {
        _registry.Register("b1", _builder, new Hello { Role = Roles.Builder, Name = "b1", Version = "1", Protocol = ProtocolLimits.Version });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (recorder, run) in _running)
        {
            await StopAsync(recorder, run);
        }
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private string StorePath => _dir.File("simplebb.db");

    private ResultRecorder Start(EventHub? events = null, RecorderOptions? options = null, OutputFiles? outputs = null)
    {
        var recorder = new ResultRecorder(Logger.None, StorePath, null, _log, outputs, _registry, _latest, 100, events ?? new EventHub(),
            options ?? new RecorderOptions { RetryMin = TimeSpan.FromMilliseconds(10), RetryMax = TimeSpan.FromMilliseconds(50) });
        recorder.Open();
        _running.Add((recorder, recorder.RunAsync()));
        return recorder;
    }

    private static async Task StopAsync(ResultRecorder recorder, Task run)
    {
        recorder.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        recorder.Store.Dispose();
    }

    /// <summary>Stops the recorder as the server does at shutdown.</summary>
    private async Task StopAllAsync()
    {
        foreach (var (recorder, run) in _running)
        {
            await StopAsync(recorder, run);
        }
        _running.Clear();
    }

    private string Dispatch() => _registry.Dispatch("foo", "master").Id;

    /// <summary>A result; a long output needs new pages in the store, so it is refused at once when the store is full.</summary>
    private static ResultMessage Result(string id, int outputBytes = 0) => new()
    {
        Id = id, Project = "foo", Revision = "master", ExitCode = 0, DurationMs = 3, Runtime = ".NET 10.0.12",
        Output = outputBytes == 0 ? "built\n" : new string('x', outputBytes),
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" },
    };

    private int Acks(string id) => _builder.SentOf<Ack>().Count(a => a.Id == id);

    private int Refusals(string id) => _builder.SentOf<ErrorMessage>().Count(e => e.Id == id && e.Code == ErrorCodes.CannotRecord);

    private IReadOnlyList<StoredResult> Stored()
    {
        using var store = ResultStore.Open(StorePath);
        return store.ResultsAfter(0, 10_000);
    }

    [Fact]
    public async Task A_result_is_acknowledged_once_it_is_committed_to_the_store_and_its_log_line_is_derived_from_it()
    {
        var recorder = Start();
        var id = Dispatch();

        await recorder.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Acks(id) == 1, "the ack");

        var row = Assert.Single(recorder.Store.ResultsOfBuild(id));
        Assert.Equal((id, "b1", "127.0.0.1:5000", "built\n", OutcomeKind.Success), (row.BuildId, row.Builder, row.Address, row.Output, row.Kind));
        await Eventually.TrueAsync(() => _log.Count(id, "b1") == 1, "the log line");
        Assert.Equal(MemoryResultLog.Line(row.ToStatus(withOutput: true)), Assert.Single(_log.Lines));
        Assert.Equal("SUCCESS", Assert.Single(_latest.All()).Outcome);
    }

    [Fact]
    public async Task A_resent_result_is_acknowledged_again_but_recorded_once_even_after_a_restart()
    {
        var first = Start();
        var id = Dispatch();
        await first.EnqueueAsync(_builder, Result(id), default);
        await first.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Acks(id) == 2, "both acks");
        await StopAllAsync();

        var second = Start();
        await second.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Acks(id) == 3, "the third ack");

        await StopAllAsync();
        Assert.Single(Stored());
        Assert.Equal(1, _log.Count(id, "b1"));
    }

    [Fact]
    public async Task A_result_for_a_build_the_builder_was_not_sent_is_refused_and_not_recorded()
    {
        var recorder = Start();
        var stranger = new FakePeer("b2");

        await recorder.EnqueueAsync(stranger, Result(Dispatch()), default);
        await Eventually.TrueAsync(() => stranger.SentOf<ErrorMessage>().Any(), "the refusal");

        Assert.Equal(ErrorCodes.UnknownBuild, Assert.Single(stranger.SentOf<ErrorMessage>()).Code);
        Assert.Empty(recorder.Store.ResultsAfter(0, 10));
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task A_full_disk_pauses_recording_without_dropping_anyone_and_recording_resumes_by_itself()
    {
        var events = new EventHub();
        var follower = new FakePeer("status");
        events.Follow(follower);
        var recorder = Start(events);
        var id = Dispatch();
        recorder.Store.LimitGrowthForTest(0);

        await recorder.EnqueueAsync(_builder, Result(id, outputBytes: 20_000), default);
        await Eventually.TrueAsync(() => Refusals(id) == 1, "the result to be refused");

        Assert.StartsWith("disk full", recorder.PausedReason);
        Assert.Equal(0, Acks(id));
        Assert.Null(_builder.DroppedWith);
        Assert.Contains(follower.SentOf<EventMessage>(), e => e.Kind == "recording" && e.Detail!.StartsWith("paused: disk full", StringComparison.Ordinal));
        await recorder.EnqueueAsync(_builder, Result(id, outputBytes: 20_000), default); // the builder's periodic resend, still refused
        await Eventually.TrueAsync(() => Refusals(id) == 2, "the resend to be refused");

        recorder.Store.LimitGrowthForTest(null);
        await Eventually.TrueAsync(() => recorder.PausedReason is null, "recording to resume");
        await recorder.EnqueueAsync(_builder, Result(id, outputBytes: 20_000), default);
        await Eventually.TrueAsync(() => Acks(id) == 1, "the ack after space returned");

        Assert.Single(recorder.Store.ResultsOfBuild(id));
        Assert.Equal(1, _log.Count(id, "b1"));
        Assert.Contains(follower.SentOf<EventMessage>(), e => e.Kind == "recording" && e.Detail == "resumed");
        Assert.Null(_builder.DroppedWith);
    }

    [Fact]
    public async Task A_disk_that_fills_up_between_batches_leaves_every_acknowledged_result_recorded_once()
    {
        var recorder = Start();
        var ids = Enumerable.Range(0, 40).Select(_ => Dispatch()).ToList();

        for (var i = 0; i < ids.Count; i++)
        {
            if (i == 4)
            {
                recorder.Store.LimitGrowthForTest(0); // full once the pages the store has are used up
            }
            await recorder.EnqueueAsync(_builder, Result(ids[i]), default);
            await Eventually.TrueAsync(() => Acks(ids[i]) + Refusals(ids[i]) > 0, "an answer to " + ids[i]);
        }
        Assert.True(ids.Sum(Refusals) >= 1, "the store filled up, so some result was refused");
        recorder.Store.LimitGrowthForTest(null);
        await Eventually.TrueAsync(() => recorder.PausedReason is null, "recording to resume");
        foreach (var id in ids.Where(id => Acks(id) == 0))
        {
            await recorder.EnqueueAsync(_builder, Result(id), default);
        }
        await Eventually.TrueAsync(() => ids.All(id => Acks(id) >= 1), "every result to be acknowledged");

        var stored = recorder.Store.ResultsAfter(0, 1000);
        Assert.Equal(ids.Order(), stored.Select(r => r.BuildId).Order());
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), stored.Select(r => r.Seq)); // no gap, no double
        await Eventually.TrueAsync(() => ids.All(id => _log.Count(id, "b1") == 1), "one line each");
    }

    [Fact]
    public async Task A_server_log_failure_after_the_commit_keeps_the_ack_and_the_line_is_written_exactly_once()
    {
        var recorder = Start();
        var written = Dispatch();
        var notWritten = Dispatch();

        _log.FailAfterNextWrite = true; // the line reaches server.log, then the sync fails
        await recorder.EnqueueAsync(_builder, Result(written), default);
        await Eventually.TrueAsync(() => Acks(written) == 1, "the ack: the store has it");
        await Eventually.TrueAsync(() => recorder.PausedReason is null, "recording to resume");
        Assert.Equal(1, _log.Count(written, "b1"));

        _log.Broken = true; // nothing reaches server.log until it is repaired
        await recorder.EnqueueAsync(_builder, Result(notWritten), default);
        await Eventually.TrueAsync(() => Acks(notWritten) == 1, "the second ack");
        Assert.NotNull(recorder.PausedReason);
        Assert.Equal(0, _log.Count(notWritten, "b1"));
        _log.Broken = false;
        await Eventually.TrueAsync(() => _log.Count(notWritten, "b1") == 1, "the line derived after the repair");

        await Eventually.TrueAsync(() => recorder.PausedReason is null, "recording to resume");
        Assert.Equal(1, _log.Count(written, "b1"));
        Assert.Equal(2, recorder.Store.LastSeq());
    }

    [Fact]
    public async Task Results_a_crash_left_underived_get_their_missing_log_line_at_start_and_no_second_one()
    {
        var before = Start();
        var logged = Dispatch();
        var lost = Dispatch();
        await before.EnqueueAsync(_builder, Result(logged), default);
        await Eventually.TrueAsync(() => _log.Count(logged, "b1") == 1, "the first line");
        await StopAllAsync();
        using (var store = ResultStore.Open(StorePath))
        {
            // A crash after the commit of the second result and before its line...
            store.Append([StoredResult.From(Result(lost), "b1", "127.0.0.1:5000", DateTimeOffset.Now)]);
            // ...and the cursor saved after the first line was lost too (say, to a power cut): its line is there already.
            store.SetCursors([(ResultRecorder.ServerLogCursor, 0), (ResultRecorder.OutputFilesCursor, 0)]);
        }
        SqliteConnection.ClearAllPools();

        var after = Start();

        await Eventually.TrueAsync(() => _log.Count(lost, "b1") == 1, "the missing line");
        Assert.Equal(1, _log.Count(logged, "b1"));
        Assert.Equal(2, _log.Lines.Length);
        await StopAllAsync();
        using var reopened = ResultStore.Open(StorePath);
        Assert.Equal(2, reopened.Cursor(ResultRecorder.ServerLogCursor)); // saved once the line is synced
    }

    [Fact]
    public async Task Retention_keeps_the_newest_results_and_deletes_the_older_ones_with_their_output_files()
    {
        var outputs = new OutputFiles(_dir.Path, Logger.None);
        var recorder = Start(options: new RecorderOptions { KeepResults = 3, RetentionEvery = TimeSpan.Zero }, outputs: outputs);
        var ids = Enumerable.Range(0, 5).Select(_ => Dispatch()).ToList();
        string OutputFile(string id) => Path.Combine(_dir.Path, OutputFiles.RelativePath("foo", id, "b1"));

        foreach (var id in ids)
        {
            await recorder.EnqueueAsync(_builder, Result(id), default);
            await Eventually.TrueAsync(() => Acks(id) == 1, "the ack of " + id);
        }

        await Eventually.TrueAsync(() => recorder.Store.ResultsAfter(0, 10).Count == 3, "retention to delete the two oldest");
        Assert.Equal(ids[2..], recorder.Store.ResultsAfter(0, 10).Select(r => r.BuildId));
        Assert.All(ids[..2], id => Assert.False(File.Exists(OutputFile(id)), "the output file of a deleted result"));
        Assert.All(ids[2..], id => Assert.True(File.Exists(OutputFile(id)), "the output file of a kept result"));
        Assert.All(ids, id => Assert.Equal(1, _log.Count(id, "b1"))); // server.log keeps its lines
        await recorder.EnqueueAsync(_builder, Result(ids[0]), default); // this server knows it answered that build: not recorded again
        await Eventually.TrueAsync(() => _builder.SentOf<ErrorMessage>().Any(e => e.Id == ids[0]) || Acks(ids[0]) == 2, "an answer to the resend");
        Assert.Empty(recorder.Store.ResultsOfBuild(ids[0]));
    }
}
