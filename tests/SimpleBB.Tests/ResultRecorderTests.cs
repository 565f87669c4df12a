using Serilog.Core;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The recorder without sockets: a journal on a disk that fails on demand, server.log in memory, fake peers.</summary>
public sealed class ResultRecorderTests : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DiskFaults _faults = new();
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
            recorder.Complete();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        _dir.Dispose();
    }

    private string JournalPath => _dir.File("history.jsonl");

    private ResultRecorder Start(EventHub? events = null)
    {
        var journal = new ResultJournal(JournalPath, 1 << 20, p => new FaultyFile(p, _faults));
        var recorder = new ResultRecorder(Logger.None, journal, _log, null, _registry, _latest, events ?? new EventHub(),
            new RecorderOptions { RetryMin = TimeSpan.FromMilliseconds(10), RetryMax = TimeSpan.FromMilliseconds(50) });
        recorder.Open();
        _running.Add((recorder, recorder.RunAsync()));
        return recorder;
    }

    private string Dispatch() => _registry.Dispatch("foo", "master").Id;

    private static ResultMessage Result(string id) => new()
    {
        Id = id, Project = "foo", Revision = "master", ExitCode = 0, DurationMs = 3, Runtime = ".NET 10.0.12", Output = "built\n",
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" },
    };

    private int Acks(string id) => _builder.SentOf<Ack>().Count(a => a.Id == id);

    private int Refusals(string id) => _builder.SentOf<ErrorMessage>().Count(e => e.Id == id && e.Code == ErrorCodes.CannotRecord);

    private List<ResultStatus> Journal()
    {
        using var journal = new ResultJournal(JournalPath, 1 << 20);
        var entries = new List<ResultStatus>();
        journal.Open(entries.Add);
        return entries;
    }

    [Fact]
    public async Task A_result_is_acknowledged_once_its_journal_entry_is_durable_and_its_log_line_is_derived_from_it()
    {
        var recorder = Start();
        var id = Dispatch();

        await recorder.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Acks(id) == 1, "the ack");

        var entry = Assert.Single(Journal());
        Assert.Equal((id, "b1", "127.0.0.1:5000", "built\n"), (entry.Id, entry.Builder, entry.Address, entry.Output));
        await Eventually.TrueAsync(() => _log.Count(id, "b1") == 1, "the log line");
        Assert.Equal(MemoryResultLog.Line(entry), Assert.Single(_log.Lines));
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
        var (recorder, run) = _running[0];
        recorder.Complete();
        await run;
        _running.Clear();

        var second = Start();
        await second.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Acks(id) == 3, "the third ack");

        Assert.Single(Journal());
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
        Assert.Empty(Journal());
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
        _faults.Full = true;

        await recorder.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Refusals(id) == 1, "the result to be refused");

        Assert.StartsWith("disk full", recorder.PausedReason);
        Assert.Equal(0, Acks(id));
        Assert.Null(_builder.DroppedWith);
        Assert.Contains(follower.SentOf<EventMessage>(), e => e.Kind == "recording" && e.Detail!.StartsWith("paused: disk full", StringComparison.Ordinal));
        await recorder.EnqueueAsync(_builder, Result(id), default); // the builder's periodic resend, still refused
        await Eventually.TrueAsync(() => Refusals(id) == 2, "the resend to be refused");

        _faults.Full = false;
        await Eventually.TrueAsync(() => recorder.PausedReason is null, "recording to resume");
        await recorder.EnqueueAsync(_builder, Result(id), default);
        await Eventually.TrueAsync(() => Acks(id) == 1, "the ack after space returned");

        Assert.Single(Journal());
        Assert.Equal(1, _log.Count(id, "b1"));
        Assert.Contains(follower.SentOf<EventMessage>(), e => e.Kind == "recording" && e.Detail == "resumed");
        Assert.Null(_builder.DroppedWith);
    }

    [Fact]
    public async Task Disk_full_on_the_nth_journal_write_leaves_every_acknowledged_result_recorded_once()
    {
        var recorder = Start();
        var ids = Enumerable.Range(0, 20).Select(_ => Dispatch()).ToList();
        _faults.FailAppendAt = 4;
        _faults.TornBytes = 25;

        foreach (var id in ids)
        {
            await recorder.EnqueueAsync(_builder, Result(id), default);
            await Eventually.TrueAsync(() => Acks(id) + Refusals(id) > 0, "an answer to " + id);
        }
        await Eventually.TrueAsync(() => recorder.PausedReason is null, "recording to resume");
        foreach (var id in ids.Where(id => Acks(id) == 0))
        {
            await recorder.EnqueueAsync(_builder, Result(id), default);
        }
        await Eventually.TrueAsync(() => ids.All(id => Acks(id) >= 1), "every result to be acknowledged");

        var journal = Journal();
        Assert.Equal(ids.Order(), journal.Select(e => e.Id).Order());
        Assert.All(ids, id => Assert.Equal(1, _log.Count(id, "b1")));
        Assert.True(ids.Sum(Refusals) >= 1, "the fourth write failed, so some result was refused");
    }

    [Fact]
    public async Task A_server_log_failure_after_the_journal_write_keeps_the_ack_and_the_line_is_written_exactly_once()
    {
        var recorder = Start();
        var written = Dispatch();
        var notWritten = Dispatch();

        _log.FailAfterNextWrite = true; // the line reaches server.log, then the sync fails
        await recorder.EnqueueAsync(_builder, Result(written), default);
        await Eventually.TrueAsync(() => Acks(written) == 1, "the ack: the journal has it");
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
        Assert.Equal(2, Journal().Count);
    }

    [Fact]
    public async Task Entries_a_crash_left_underived_get_their_missing_log_line_at_start_and_no_second_one()
    {
        var before = Start();
        var logged = Dispatch();
        var lost = Dispatch();
        await before.EnqueueAsync(_builder, Result(logged), default);
        await Eventually.TrueAsync(() => _log.Count(logged, "b1") == 1, "the first line");
        var (recorder, run) = _running[0];
        recorder.Complete();
        await run;
        _running.Clear();
        // A crash after the journal write of the second result and before its line: the journal has no marker after it.
        using (var journal = new ResultJournal(JournalPath, 1 << 20))
        {
            journal.Open(_ => { });
            journal.Append([ResultJournalTests.Entry(lost)]);
        }
        // ...and the first result's marker was lost too (say, to a power cut): its line is there already.
        var text = File.ReadAllText(JournalPath).Replace("{\"derived\":true}\n", "", StringComparison.Ordinal);
        File.WriteAllText(JournalPath, text);

        Start();

        await Eventually.TrueAsync(() => _log.Count(lost, "b1") == 1, "the missing line");
        Assert.Equal(1, _log.Count(logged, "b1"));
        Assert.Equal(2, _log.Lines.Length);
    }
}
