using System.Threading.Channels;
using Serilog;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The only writer of results. Sessions hand results over; one loop takes whatever is queued, decides each (duplicate,
/// unknown, or new), appends the new ones to the <see cref="ResultJournal"/> with one sync for the whole batch, and only
/// then acknowledges them. Everything else is derived from the journal entries afterwards: the server.log lines, the
/// output files, status, the events and the answers to waiting suggesters.
/// <para>
/// A failure to write anything on this path is a state, not a death: recording pauses (one error line), results are
/// answered with <c>cannot-record</c> instead of an ack (builders keep them in their outboxes and send them again),
/// suggestions are refused, and the loop retries with a growing delay until the disk takes writes again. Being
/// single-threaded, it needs no lock for the set of results already recorded.
/// </para>
/// <para>
/// With a result hook, each recorded result is then handed to <see cref="ResultHooks"/> (which never waits), with the
/// previous outcome of its project on its builder; at start the results whose hook had not ended are handed over first.
/// </para>
/// </summary>
internal sealed class ResultRecorder
{
    private const int MaxBatch = 1024;

    private readonly Channel<(IPeer Peer, ResultMessage Result)> _queue =
        Channel.CreateBounded<(IPeer, ResultMessage)>(new BoundedChannelOptions(8192) { SingleReader = true });

    private readonly ILogger _log;
    private readonly ResultJournal _journal;
    private readonly IResultLog _resultLog;
    private readonly OutputFiles? _outputs;
    private readonly BuildRegistry _registry;
    private readonly LatestResults _latest;
    private readonly EventHub _events;
    private readonly RecentSet _recorded;
    private readonly RecorderOptions _options;
    private readonly ResultHooks? _hooks;

    /// <summary>The previous outcome per project and builder, for the hooks' SIMPLEBB_LAST_RESULT (only with hooks).</summary>
    private readonly LastOutcomes? _lastOutcomes;

    /// <summary>Journal entries whose server.log line or output file may be missing; bounded by one batch (none are added while paused).</summary>
    private readonly List<ResultStatus> _pending = [];

    /// <summary>Where in server.log the pending entries' lines would be (-1: anywhere).</summary>
    private long _pendingFrom = -1;

    private volatile string? _paused;
    private long _pausedAt;
    private long _nextRetry;
    private TimeSpan _retryDelay;

    public ResultRecorder(ILogger log, ResultJournal journal, IResultLog resultLog, OutputFiles? outputs, BuildRegistry registry,
        LatestResults latest, EventHub events, RecorderOptions options, ResultHooks? hooks = null)
    {
        _hooks = hooks;
        _lastOutcomes = hooks is null ? null : new LastOutcomes(100_000);
        _log = log;
        _journal = journal;
        _resultLog = resultLog;
        _outputs = outputs;
        _registry = registry;
        _latest = latest;
        _events = events;
        _options = options;
        _recorded = new RecentSet(options.Remember);
    }

    /// <summary>The output files (live output is appended to them as it arrives); null when none are written.</summary>
    public OutputFiles? Outputs => _outputs;

    /// <summary>Why results cannot be recorded now ("disk full (...)"), or null while recording works.</summary>
    public string? PausedReason => _paused;

    /// <summary>
    /// Reads the journal: results already recorded (so a resend is acknowledged, not recorded twice) and the latest
    /// results for status. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be read.
    /// </summary>
    public void Open()
    {
        var backlog = _hooks is null ? null : new HookBacklog(_hooks.Settings.QueueCapacity, HookItemOf);
        var scan = _journal.Open(entry =>
        {
            _recorded.Add(Key(entry.Id, entry.Builder));
            _latest.Add(entry with { Output = null });
            backlog?.Add(entry, _lastOutcomes!.Swap(entry));
        }, (id, builder) => backlog?.Hooked(id, builder));
        if (scan.Entries > 0)
        {
            _log.Information("Found {Count} results already recorded in {Journal}", scan.Entries, _journal.FilePath);
        }
        if (scan.TruncatedBytes > 0)
        {
            _log.Warning("Cut a torn last line ({Bytes} bytes, never acknowledged) from {Journal}", scan.TruncatedBytes, _journal.FilePath);
        }
        if (scan.Unparseable > 0)
        {
            _log.Warning("Skipped {Count} unreadable lines in {Journal}", scan.Unparseable, _journal.FilePath);
        }
        _pending.AddRange(scan.Underived);
        _pendingFrom = -1;
        if (backlog is not null && !scan.HooksSettled)
        {
            if (backlog.NeedsReread)
            {
                _journal.Reread(backlog.Fill); // markers freed room for candidates read before their items were kept
            }
            var queued = backlog.Items.Count(item => _hooks!.Enqueue(item));
            if (queued > 0)
            {
                _log.Information("Hooking {Count} result(s) recorded before the restart whose hook had not ended", queued);
            }
            if (backlog.Left > 0)
            {
                _log.Warning("{Count} more result(s) whose hook had not ended do not fit in the hook queue; they are hooked after a later start",
                    backlog.Left);
            }
        }
    }

    /// <summary>What the hook of a newly recorded <paramref name="entry"/> is told; call in recording order.</summary>
    private HookItem HookItemOf(ResultStatus entry) => HookItemOf(entry, _lastOutcomes!.Swap(entry));

    private HookItem HookItemOf(ResultStatus entry, string? last)
    {
        var output = string.IsNullOrEmpty(entry.Output) ? null
            : Path.Combine(_hooks!.Settings.OutputRoot, OutputFiles.RelativePath(entry.Project, entry.Id, entry.Builder));
        return new HookItem(entry with { Output = null }, last, output);
    }

    /// <summary>Hands a result over; waits while the queue is full, which slows only the sending peer.</summary>
    public ValueTask EnqueueAsync(IPeer peer, ResultMessage result, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync((peer, result), cancellationToken);

    /// <summary>No more results will come; <see cref="RunAsync"/> ends when the queue is empty.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync()
    {
        if (_pending.Count > 0)
        {
            var count = _pending.Count;
            try
            {
                DerivePending();
                _journal.MarkDerived();
                _log.Information("Checked the log lines and output files of the last {Count} result(s) recorded before the restart", count);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Pause(ex);
            }
        }

        var batch = new List<(IPeer Peer, ResultMessage Result)>(MaxBatch);
        var reader = _queue.Reader;
        while (_paused is null ? await reader.WaitToReadAsync().ConfigureAwait(false) : await WaitWhilePausedAsync(reader).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                Record(batch);
            }
            catch (Exception ex)
            {
                // A bug must not end recording for good: the results of this batch are not acknowledged (their
                // builders send them again), and recording goes on as after a failure to write.
                _log.Error(ex, "Unexpected failure recording {Count} result(s)", batch.Count);
                Pause(ex);
            }
        }
    }

    /// <summary>Waits for results or for the next retry, whichever comes first; false once no more results will come.</summary>
    private async ValueTask<bool> WaitWhilePausedAsync(ChannelReader<(IPeer, ResultMessage)> reader)
    {
        var due = _nextRetry - Environment.TickCount64;
        if (due > 0)
        {
            using var timer = new CancellationTokenSource(TimeSpan.FromMilliseconds(due));
            try
            {
                return await reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        TryResume();
        return true;
    }

    private void Record(List<(IPeer Peer, ResultMessage Result)> batch)
    {
        var fresh = new List<(IPeer Peer, ResultMessage Result, ResultStatus Entry)>(batch.Count);
        var repeats = new List<(IPeer Peer, string Id, string Key)>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (peer, result) in batch)
        {
            var builder = peer.Name!;
            var key = Key(result.Id, builder);
            if (_recorded.Contains(key) || !keys.Add(key))
            {
                repeats.Add((peer, result.Id, key));
                continue;
            }
            if (_paused is { } reason)
            {
                Refuse(peer, result.Id, reason);
                continue;
            }
            switch (_registry.Check(builder, result))
            {
                case ResultCheck.Unknown:
                    peer.Reject(ErrorCodes.UnknownBuild, $"build {result.Id} was not sent to builder {builder}", close: false, id: result.Id);
                    continue;
                case ResultCheck.Mismatch:
                    peer.Reject(ErrorCodes.BadMessage, $"build {result.Id} was for another project or revision", close: false, id: result.Id);
                    continue;
            }
            fresh.Add((peer, result, Entry(result, builder, peer.Address)));
        }

        var entries = fresh.ConvertAll(f => f.Entry);
        if (entries.Count > 0)
        {
            try
            {
                _journal.Append(entries);
            }
            catch (IOException ex)
            {
                Pause(ex);
                foreach (var (peer, result, _) in fresh)
                {
                    Refuse(peer, result.Id, _paused!);
                }
                fresh.Clear();
                entries.Clear();
            }
        }

        foreach (var (peer, _, entry) in fresh)
        {
            _recorded.Add(Key(entry.Id, entry.Builder));
            _registry.Complete(entry.Builder, entry.Id);
            peer.Send(new Ack { Id = entry.Id });
        }
        foreach (var (peer, id, key) in repeats)
        {
            // Acknowledged only when it is in the journal: a repeat of a result that just failed to be written is not.
            if (_recorded.Contains(key))
            {
                peer.Send(new Ack { Id = id });
            }
            else
            {
                Refuse(peer, id, _paused ?? "the first copy was not recorded");
            }
        }
        if (entries.Count == 0)
        {
            return;
        }

        foreach (var (_, result, entry) in fresh)
        {
            // Status and the result event first: whoever has the answer and then asks status sees the result there.
            Publish(entry);
            _registry.AnswerFor(entry.Id, entry.Builder)?.Send(result with { Builder = entry.Builder });
        }
        Derive(entries);
        if (_hooks is not null)
        {
            foreach (var entry in entries)
            {
                _hooks.Enqueue(HookItemOf(entry)); // one that does not fit stays unmarked in the journal for the next start
            }
        }
    }

    /// <summary>The result is not recorded and not acknowledged: the builder keeps it and sends it again later.</summary>
    private static void Refuse(IPeer peer, string id, string reason) =>
        peer.Send(new ErrorMessage { Code = ErrorCodes.CannotRecord, Message = $"the server cannot record results: {reason}; keep the result and send it again later", Id = id });

    /// <summary>Writes what is derived from durable entries: their server.log lines and output files, then the marker.</summary>
    private void Derive(List<ResultStatus> entries)
    {
        var from = _resultLog.Position;
        try
        {
            _resultLog.Write(entries);
            _outputs?.Write(entries);
            _journal.MarkDerived();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _pending.AddRange(entries);
            _pendingFrom = from;
            Pause(ex);
        }
    }

    /// <summary>Writes the log lines not already in server.log, and the output files, of the pending entries.</summary>
    private void DerivePending()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        var missing = _resultLog.Missing(_pending, _pendingFrom);
        if (missing.Count > 0)
        {
            _resultLog.Write(missing);
        }
        _outputs?.Write(_pending);
        _pending.Clear();
    }

    private void Pause(Exception ex)
    {
        var reason = Describe(ex);
        var now = Environment.TickCount64;
        if (_paused is null)
        {
            _paused = reason;
            _pausedAt = now;
            _retryDelay = _options.RetryMin;
            _log.Error("Cannot record results: {Reason}. Results are not acknowledged (builders keep them and send them again) and suggestions are refused until recording resumes; retrying by itself",
                reason);
            if (_options.AlertOnStderr)
            {
                Console.Error.WriteLine($"simplebb-server: ERROR cannot record results: {reason}");
            }
            _events.Publish(new EventMessage { Kind = "recording", Time = DateTimeOffset.Now, Detail = "paused: " + reason });
        }
        else
        {
            _paused = reason;
            _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _options.RetryMax.Ticks));
        }
        _nextRetry = now + (long)_retryDelay.TotalMilliseconds;
    }

    private void TryResume()
    {
        try
        {
            DerivePending();
            _journal.Repair();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Pause(ex);
            return;
        }
        var seconds = (Environment.TickCount64 - _pausedAt) / 1000.0;
        _paused = null;
        _log.Information("Recording resumed after {Seconds:0.#} s; builders send the results they kept", seconds);
        _events.Publish(new EventMessage { Kind = "recording", Time = DateTimeOffset.Now, Detail = "resumed" });
    }

    private static string Describe(Exception ex) =>
        ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || ex.HResult == 28 ? $"disk full ({ex.Message})" : ex.Message;

    /// <summary>Updates status, warns when a revision is machine-specific, and tells status followers.</summary>
    private void Publish(ResultStatus entry)
    {
        var status = entry with { Output = null };
        var before = _latest.MachineSpecific(status.Project, status.Revision);
        _latest.Add(status);
        var after = _latest.MachineSpecific(status.Project, status.Revision);
        if (after is not null && after != before)
        {
            _log.Warning("MACHINE-SPECIFIC {Project}/{Revision}: passes on some builders and fails on others; differs in {Difference}",
                status.Project, status.Revision, after);
        }
        _events.Publish(new EventMessage
        {
            Kind = "result", Time = status.Finished, Builder = status.Builder, Id = status.Id, Project = status.Project,
            Revision = status.Revision, Detail = after is null ? status.Outcome : $"{status.Outcome} (machine-specific: {after})",
        });
    }

    private static ResultStatus Entry(ResultMessage result, string builder, string address) => new()
    {
        Id = result.Id,
        Project = result.Project,
        Revision = result.Revision,
        Builder = builder,
        Outcome = result.Outcome,
        ExitCode = result.ExitCode,
        DurationMs = result.DurationMs,
        Uname = result.Uname,
        Runtime = result.Runtime,
        ScriptSha256 = result.ScriptSha256,
        Finished = DateTimeOffset.Now,
        Address = address,
        Output = result.Output,
    };

    private static string Key(string id, string builder) => string.Concat(id, "\0", builder);
}
