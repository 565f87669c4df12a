using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Serilog;
using SimpleBB.Protocol;
using SimpleBB.Store;

namespace SimpleBB.Server;

/// <summary>
/// The only writer of results. Sessions hand results over; one loop takes whatever is queued, decides each (a resend,
/// unknown, or new), appends the new ones to the <see cref="ResultStore"/> in one synced transaction for the whole
/// batch (group commit), and only then acknowledges them. What people see is derived from the store afterwards, in
/// this order, each step applying results in sequence order and keeping its own cursor:
/// <list type="number">
/// <item>server.log: the result's line (written at once, synced with the cursor a moment later; after a crash the
/// lines after the cursor are compared with the file, so none is written twice or missed);</item>
/// <item>the output files (completed idempotently);</item>
/// <item>status, the result event and the answer to a waiting suggester (in memory: rebuilt from the store at start);</item>
/// <item>the result hooks (<see cref="ResultHooks"/> reads the store from its own cursor, up to what step 2 has done).</item>
/// </list>
/// So whoever gets an answer or an event finds the line in server.log and the output file already there.
/// <para>
/// A failure to write anything on this path is a state, not a death: recording pauses (one error line), results are
/// answered with <c>cannot-record</c> instead of an ack (builders keep them in their outboxes and send them again),
/// suggestions are refused, and the loop retries with a growing delay until the disk takes writes again.
/// </para>
/// </summary>
internal sealed class ResultRecorder
{
    private const int MaxBatch = 1024;

    /// <summary>The cursors' names in the store.</summary>
    internal const string ServerLogCursor = "server.log";
    internal const string OutputFilesCursor = "output-files";
    internal const string HooksCursor = "hooks";

    /// <summary>Under a steady stream of results, server.log is synced and the cursors saved at least this often.</summary>
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(1);

    /// <summary>Suggested builds waiting to be stored; beyond the bound they are not stored (warned once).</summary>
    private readonly Channel<SuggestedBuild> _builds =
        Channel.CreateBounded<SuggestedBuild>(new BoundedChannelOptions(65_536) { SingleReader = true });

    private int _warnedBuilds;

    private static readonly TimeSpan BuildsGathering = TimeSpan.FromMilliseconds(20);

    private readonly Channel<(IPeer Peer, ResultMessage Result)> _queue =
        Channel.CreateBounded<(IPeer, ResultMessage)>(new BoundedChannelOptions(8192) { SingleReader = true });

    private readonly ILogger _log;
    private readonly string _storePath;
    private readonly string? _importFrom;
    private readonly IResultLog _resultLog;
    private readonly OutputFiles? _outputs;
    private readonly BuildRegistry _registry;
    private readonly LatestResults _latest;
    private readonly int _latestCapacity;
    private readonly EventHub _events;
    private readonly RecorderOptions _options;
    private readonly ResultHooks? _hooks;
    private ResultStore? _store;

    /// <summary>The last result committed to the store.</summary>
    private long _committed;

    /// <summary>The last result whose server.log line is written; <see cref="_logSynced"/>: and synced.</summary>
    private long _logApplied;
    private long _logSynced;

    /// <summary>The last result whose output file is complete.</summary>
    private long _outputsApplied;

    /// <summary>The last result published to status, events and waiting suggesters.</summary>
    private long _published;

    /// <summary>What the store's cursors say (saved at checkpoints).</summary>
    private (long Log, long Outputs) _saved;

    /// <summary>Where in server.log the lines after <see cref="_logApplied"/> would be, if a write failed (-1: anywhere).</summary>
    private long _logFrom = -1;

    private long _lastCheckpoint;
    private volatile string? _paused;
    private long _pausedAt;
    private long _nextRetry;
    private TimeSpan _retryDelay;

    /// <summary>
    /// Takes the results store's path (created when missing) and the result journal of earlier versions to import once
    /// when it exists (history.jsonl; null: none); opened by <see cref="Open"/>.
    /// </summary>
    public ResultRecorder(ILogger log, string storePath, string? importFrom, IResultLog resultLog, OutputFiles? outputs, BuildRegistry registry,
        LatestResults latest, int latestCapacity, EventHub events, RecorderOptions options, ResultHooks? hooks = null)
    {
        _log = log;
        _storePath = storePath;
        _importFrom = importFrom;
        _resultLog = resultLog;
        _outputs = outputs;
        _registry = registry;
        _latest = latest;
        _latestCapacity = latestCapacity;
        _events = events;
        _options = options;
        _hooks = hooks;
    }

    /// <summary>The output files (live output is appended to them as it arrives); null when none are written.</summary>
    public OutputFiles? Outputs => _outputs;

    /// <summary>The store, once <see cref="Open"/> has opened it.</summary>
    public ResultStore Store => _store ?? throw new InvalidOperationException("Open() first");

    /// <summary>Why results cannot be recorded now ("disk full (...)"), or null while recording works.</summary>
    public string? PausedReason => _paused;

    /// <summary>
    /// Opens the store (importing an earlier version's journal once), loads the newest results for status, and brings
    /// every projection up to date with what was committed before a crash. Throws <see cref="IOException"/>,
    /// <see cref="UnauthorizedAccessException"/> or <see cref="InvalidDataException"/> when the store cannot be used.
    /// </summary>
    public void Open()
    {
        try
        {
            _store = ResultStore.Open(_storePath);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"cannot open the results store {_storePath}: {ex.Message}", ex);
        }
        var store = _store;
        if (_importFrom is not null && (File.Exists(_importFrom) || File.Exists(_importFrom + ".1")))
        {
            var count = HistoryImport.ImportOnce(store, _importFrom);
            // What the journal held was in server.log, the output files and the hooks already: every cursor starts after it.
            var last = store.LastSeq();
            store.SetCursors([(ServerLogCursor, last), (OutputFilesCursor, last), (HooksCursor, last)]);
            _log.Information("Imported {Imported} results from {Journal} into {Store} ({Known} already there, {Skipped} other lines); the journal is kept as {Journal}.imported",
                count.Imported, _importFrom, store.Path, count.AlreadyStored, count.Skipped, _importFrom);
        }
        _committed = store.LastSeq();
        _saved = (store.Cursor(ServerLogCursor), store.Cursor(OutputFilesCursor));
        (_logApplied, _logSynced, _outputsApplied) = (_saved.Log, _saved.Log, _saved.Outputs);
        _published = _committed; // status is loaded from the store (LoadLatest); nobody waits on a result from before the start
        if (_committed > 0)
        {
            _log.Information("Results store {Store}: {Count} results already recorded", store.Path, _committed);
        }
        _hooks?.Open(store);
    }

    /// <summary>
    /// Reads the newest results into the latest-results view on a thread of its own: called once the server listens,
    /// so it never waits for them (nor for the collection after them); a status request in that moment waits for them.
    /// </summary>
    public void LoadLatest()
    {
        var store = Store;
        if (_committed == 0 || _latestCapacity <= 0)
        {
            return;
        }
        _latest.Loading();
        var loading = new Thread(() =>
        {
            IEnumerable<RecordedResult> results = [];
            try
            {
                results = [.. store.Newest(_latestCapacity).Select(r => r.ToStatus(withOutput: false))];
                store.ReleaseReaders();
            }
            catch (Exception ex)
            {
                // Whatever it is: an exception on this thread would end the server, and status can start without them.
                _log.Warning("Cannot read the latest results from the results store {Store}: {Reason}; status starts without them", store.Path, ex.Message);
            }
            finally
            {
                _latest.AddOlder(results);
            }
            // Reading them made several times their size in garbage, which the heap would otherwise keep for good:
            // one compacting collection now gives it back (a few milliseconds, once).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        })
        { IsBackground = true, Name = "simplebb latest results" };
        loading.Start();
    }

    /// <summary>
    /// Stores a build when it is suggested, so it has a page before its first result; never waits (a writer stores
    /// what has queued up in one commit). A build that cannot be stored is logged, never passed on: its results
    /// are recorded all the same.
    /// </summary>
    public void BuildSuggested(string id, string project, string revision, string? by, int builders)
    {
        var build = new SuggestedBuild { Id = id, Project = project, Revision = revision, Suggested = DateTimeOffset.Now, SuggestedBy = by, Builders = builders };
        _unstoredBuilds[id] = build; // before the writer can see it, so it is never removed before it is added
        if (_builds.Writer.TryWrite(build))
        {
            return;
        }
        _unstoredBuilds.TryRemove(id, out _);
        if (Interlocked.Exchange(ref _warnedBuilds, 1) == 0)
        {
            _log.Warning("Builds are suggested faster than the results store takes them: build {BuildId} of {Project}/{Revision} and others are not stored (their results are)",
                id, project, revision);
        }
    }

    /// <summary>
    /// Builds suggested in the last moments, not yet in the store (they are gathered for a commit): the pages show
    /// them with the stored ones, so a build is on its page from the moment its "suggested" event goes out.
    /// </summary>
    public SuggestedBuild[] UnstoredBuilds() => [.. _unstoredBuilds.Values];

    /// <summary>The counts of recent builds' results, kept current as results are published (for the overview).</summary>
    public BuildTallies Tallies { get; } = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SuggestedBuild> _unstoredBuilds = new(StringComparer.Ordinal);

    private async Task WriteBuildsAsync()
    {
        var batch = new List<SuggestedBuild>(MaxBatch);
        var reader = _builds.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Nothing waits for a build's row: gathering what comes in the next moment makes one commit (and one
            // wake-up of this task) serve many suggestions instead of one each.
            await Task.Delay(BuildsGathering).ConfigureAwait(false);
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var build))
            {
                batch.Add(build);
            }
            try
            {
                Store.AddBuilds(batch);
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                _log.Warning("Cannot store {Count} suggested build(s) in the results store, the first {BuildId}: {Reason}", batch.Count, batch[0].Id, ex.Message);
            }
            foreach (var build in batch)
            {
                _unstoredBuilds.TryRemove(build.Id, out _);
            }
        }
    }

    /// <summary>Hands a result over; waits while the queue is full, which slows only the sending peer.</summary>
    public ValueTask EnqueueAsync(IPeer peer, ResultMessage result, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync((peer, result), cancellationToken);

    /// <summary>No more results will come; <see cref="RunAsync"/> ends when the queue is empty.</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        _builds.Writer.TryComplete();
    }

    public async Task RunAsync()
    {
        var storingBuilds = WriteBuildsAsync();
        if (Math.Min(_logApplied, _outputsApplied) < _committed)
        {
            var behind = _committed - Math.Min(_logApplied, _outputsApplied);
            try
            {
                CatchUp();
                Checkpoint();
                _log.Information("Brought server.log and the output files up to date with the last {Count} result(s) recorded before the restart", behind);
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                Pause(ex);
            }
        }
        _hooks?.Available(_outputsApplied);

        var batch = new List<(IPeer Peer, ResultMessage Result)>(MaxBatch);
        var reader = _queue.Reader;
        while (true)
        {
            if (_paused is null && !reader.TryPeek(out _) && NeedsCheckpoint)
            {
                TryCheckpoint(); // idle: sync server.log and save the cursors, off the path of any waiting result
            }
            if (_paused is null && !reader.TryPeek(out _) && RetentionDue)
            {
                ApplyRetention();
            }
            if (!(_paused is null ? await reader.WaitToReadAsync().ConfigureAwait(false) : await WaitWhilePausedAsync(reader).ConfigureAwait(false)))
            {
                break;
            }
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
                await RecordAsync(batch).ConfigureAwait(false);
                if (!reader.TryPeek(out _))
                {
                    DeriveRecorded(); // nothing to overlap with: server.log and the rest follow at once
                }
            }
            catch (Exception ex)
            {
                // A bug must not end recording for good: the results of this batch are not acknowledged (their
                // builders send them again), and recording goes on as after a failure to write.
                _log.Error(ex, "Unexpected failure recording {Count} result(s)", batch.Count);
                Pause(ex);
            }
            if (_paused is null && Environment.TickCount64 - _lastCheckpoint > CheckpointEvery.TotalMilliseconds)
            {
                TryCheckpoint();
            }
        }
        DeriveRecorded();
        if (_paused is null && NeedsCheckpoint)
        {
            TryCheckpoint();
        }
        await storingBuilds.ConfigureAwait(false);
    }

    private long _lastRetention = long.MinValue;

    private bool RetentionDue => (_options.KeepDays is not null || _options.KeepResults is not null)
        && (_lastRetention == long.MinValue || Environment.TickCount64 - _lastRetention > _options.RetentionEvery.TotalMilliseconds);

    /// <summary>
    /// Deletes what retention (--keep-days, --keep-results) says to, with the output files, a thousand results per
    /// commit; only results every projection before the hooks has applied. A failure is logged and tried next time.
    /// </summary>
    private void ApplyRetention()
    {
        _lastRetention = Environment.TickCount64;
        var before = _options.KeepDays is { } days ? DateTimeOffset.Now.AddDays(-days) : (DateTimeOffset?)null;
        var deleted = 0L;
        try
        {
            while (true)
            {
                var rows = Store.DeleteOld(before, _options.KeepResults, Math.Min(_logSynced, _outputsApplied), 1000);
                deleted += rows.Count;
                foreach (var row in rows)
                {
                    _outputs?.Delete(row.Project, row.BuildId, row.Builder);
                }
                if (rows.Count < 1000)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            _log.Warning("Retention could not delete old results: {Reason}; it tries again later", ex.Message);
        }
        if (deleted > 0)
        {
            _log.Information("Retention deleted {Count} result(s) and their output files (--keep-days {Days}, --keep-results {Results})",
                deleted, _options.KeepDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off",
                _options.KeepResults?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off");
        }
    }

    private bool NeedsCheckpoint => _logSynced < _logApplied || _saved.Outputs < _outputsApplied;

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

    /// <summary>
    /// Results committed and acknowledged whose server.log lines, output files and events are still to come. They
    /// are derived while the next batch's commit waits for the disk (its fsync costs no CPU), so under load the two
    /// overlap; with nothing queued they are derived at once.
    /// </summary>
    private readonly List<StoredResult> _recorded = new(MaxBatch);

    /// <summary>The last result committed before the first of <see cref="_recorded"/>: every projection must have reached it.</summary>
    private long _recordedAfter;

    private async Task RecordAsync(List<(IPeer Peer, ResultMessage Result)> batch)
    {
        var store = Store;
        var candidates = new List<(IPeer Peer, ResultMessage Result, StoredResult Row)>(batch.Count);
        var repeats = new List<(IPeer Peer, string Id, string Builder)>();
        var keys = new HashSet<(string, string)>();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToLocalTime();
        foreach (var (peer, result) in batch)
        {
            var builder = peer.Name!;
            if (!keys.Add((result.Id, builder)))
            {
                repeats.Add((peer, result.Id, builder)); // sent twice in one batch: answered as the first copy is
                continue;
            }
            switch (_registry.Check(builder, result))
            {
                case ResultCheck.Unknown or ResultCheck.Mismatch when store.Contains(result.Id, builder):
                    peer.Send(new Ack { Id = result.Id }); // a resend of a result recorded long ago
                    continue;
                case ResultCheck.Unknown:
                    peer.Reject(ErrorCodes.UnknownBuild, $"build {result.Id} was not sent to builder {builder}", close: false, id: result.Id);
                    continue;
                case ResultCheck.Mismatch:
                    peer.Reject(ErrorCodes.BadMessage, $"build {result.Id} was for another project or revision", close: false, id: result.Id);
                    continue;
            }
            if (_paused is { } reason)
            {
                Refuse(peer, result.Id, reason);
                continue;
            }
            candidates.Add((peer, result, StoredResult.From(result, builder, peer.Address, now)));
        }

        long?[] seqs = [];
        var before = _committed;
        if (candidates.Count > 0)
        {
            var rows = candidates.ConvertAll(c => c.Row);
            var appending = _recorded.Count > 0 ? Task.Run(() => store.Append(rows)) : null;
            try
            {
                if (appending is not null)
                {
                    try
                    {
                        DeriveRecorded(); // the previous batch, while this one is committed
                    }
                    finally
                    {
                        seqs = await appending.ConfigureAwait(false); // never two commits at once, whatever happened
                    }
                }
                else
                {
                    seqs = store.Append(rows);
                }
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                Pause(ex);
                foreach (var (peer, result, _) in candidates)
                {
                    Refuse(peer, result.Id, _paused!);
                }
                candidates.Clear();
            }
        }

        var recorded = new List<StoredResult>(candidates.Count);
        var acked = new HashSet<(string, string)>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var (peer, _, row) = candidates[i];
            _registry.Complete(row.Builder, row.BuildId);
            peer.Send(new Ack { Id = row.BuildId });
            acked.Add((row.BuildId, row.Builder));
            if (seqs[i] is { } seq)
            {
                recorded.Add(row with { Seq = seq });
                _committed = seq;
            }
        }
        foreach (var (peer, id, builder) in repeats)
        {
            // Acknowledged only when recorded: a repeat of a result that just failed to be written is not.
            if (acked.Contains((id, builder)) || store.Contains(id, builder))
            {
                peer.Send(new Ack { Id = id });
            }
            else
            {
                Refuse(peer, id, _paused ?? "the first copy was not recorded");
            }
        }
        if (recorded.Count == 0)
        {
            return;
        }
        if (_recorded.Count == 0)
        {
            _recordedAfter = before;
        }
        _recorded.AddRange(recorded);
    }

    /// <summary>Writes the server.log lines and output files of the results just recorded, then tells everyone else.</summary>
    private void DeriveRecorded()
    {
        if (_recorded.Count == 0)
        {
            return;
        }
        var recorded = _recorded.ToArray();
        _recorded.Clear();
        if (_paused is not null || _logApplied < _recordedAfter || _outputsApplied < _recordedAfter)
        {
            return; // an earlier batch is not derived yet (paused): these follow it when recording resumes
        }
        try
        {
            Derive(recorded, fromStart: false);
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            Pause(ex);
            return;
        }
        foreach (var row in recorded)
        {
            Publish(row);
        }
        _published = recorded[^1].Seq;
        _hooks?.Available(_outputsApplied);
    }

    /// <summary>Writes what the store has and the projections lack: server.log lines, then output files.</summary>
    private void Derive(IReadOnlyList<StoredResult> rows, bool fromStart)
    {
        // Each result in words once, for both files.
        var statuses = rows.Where(r => r.Seq > Math.Min(_logApplied, _outputsApplied)).Select(r => (r.Seq, Status: r.ToStatus(withOutput: true))).ToList();
        var forLog = statuses.Where(s => s.Seq > _logApplied).Select(s => s.Status).ToList();
        if (forLog.Count > 0)
        {
            if (fromStart || _logFrom >= 0)
            {
                // After a crash or a failed write some of these lines may be in the file already: write only the others.
                forLog = [.. _resultLog.Missing(forLog, fromStart ? -1 : _logFrom)];
            }
            var from = _resultLog.Position;
            try
            {
                if (forLog.Count > 0)
                {
                    _resultLog.Write(forLog);
                }
            }
            catch
            {
                _logFrom = _logFrom >= 0 ? Math.Min(_logFrom, from) : from;
                throw;
            }
            _logFrom = -1;
            _logApplied = rows[^1].Seq;
        }
        if (_outputs is not null)
        {
            var forOutputs = statuses.Where(s => s.Seq > _outputsApplied).Select(s => s.Status).ToList();
            if (forOutputs.Count > 0)
            {
                _outputs.Write(forOutputs);
            }
        }
        _outputsApplied = rows[^1].Seq;
    }

    /// <summary>Derives every committed result the projections lack (after a restart or a pause), a batch at a time.</summary>
    private void CatchUp()
    {
        var fromStart = _published == _committed && _logFrom < 0 && _logApplied == _saved.Log;
        var store = Store;
        while (Math.Min(_logApplied, _outputsApplied) < _committed)
        {
            var rows = store.ResultsAfter(Math.Min(_logApplied, _outputsApplied), MaxBatch);
            if (rows.Count == 0)
            {
                break;
            }
            Derive(rows, fromStart);
            foreach (var row in rows.Where(r => r.Seq > _published))
            {
                Publish(row);
                _published = row.Seq;
            }
        }
        _published = Math.Max(_published, _outputsApplied);
    }

    /// <summary>Syncs server.log, then saves the cursors: a saved cursor never points past a line not on disk.</summary>
    private void Checkpoint()
    {
        if (_logSynced < _logApplied)
        {
            var applied = _logApplied;
            _resultLog.Sync();
            _logSynced = applied;
        }
        if (_saved.Log < _logSynced || _saved.Outputs < _outputsApplied)
        {
            // Without a hook its cursor follows the others, so turning a hook on later never hooks old results.
            Store.SetCursors(_hooks is null
                ? [(ServerLogCursor, _logSynced), (OutputFilesCursor, _outputsApplied), (HooksCursor, _outputsApplied)]
                : [(ServerLogCursor, _logSynced), (OutputFilesCursor, _outputsApplied)]);
            _saved = (_logSynced, _outputsApplied);
        }
        _lastCheckpoint = Environment.TickCount64;
    }

    private void TryCheckpoint()
    {
        try
        {
            Checkpoint();
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            Pause(ex);
        }
    }

    /// <summary>The result is not recorded and not acknowledged: the builder keeps it and sends it again later.</summary>
    private static void Refuse(IPeer peer, string id, string reason) =>
        peer.Send(new ErrorMessage { Code = ErrorCodes.CannotRecord, Message = $"the server cannot record results: {reason}; keep the result and send it again later", Id = id });

    private static bool IsWriteFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or SqliteException;

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
            Store.Probe();
            CatchUp();
            Checkpoint();
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            Pause(ex);
            return;
        }
        _hooks?.Available(_outputsApplied);
        var seconds = (Environment.TickCount64 - _pausedAt) / 1000.0;
        _paused = null;
        _log.Information("Recording resumed after {Seconds:0.#} s; builders send the results they kept", seconds);
        _events.Publish(new EventMessage { Kind = "recording", Time = DateTimeOffset.Now, Detail = "resumed" });
    }

    private static string Describe(Exception ex) =>
        ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || ex.HResult == 28
            || ex.Message.Contains("disk is full", StringComparison.OrdinalIgnoreCase)
            || ex is SqliteException { SqliteErrorCode: 13 } // SQLITE_FULL
            ? $"disk full ({ex.Message})" : ex.Message;

    /// <summary>Updates status, warns when a revision is machine-specific, tells status followers and the waiting suggester.</summary>
    private void Publish(StoredResult row)
    {
        Tallies.Add(row);
        var status = row.ToStatus(withOutput: false);
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
        _registry.AnswerFor(status.Id, status.Builder)?.Send(row.ToMessage());
    }
}
