using System.Globalization;
using Microsoft.Data.Sqlite;
using Serilog;
using SimpleBB.Protocol;
using SimpleBB.Store;

namespace SimpleBB.Server;

/// <summary>
/// Runs the --on-result script for every recorded result, away from the recording loop. A projection of the results
/// store with its own cursor: it reads results in sequence order (up to the last one whose output file is complete:
/// <see cref="Available"/>), keeps at most <see cref="HookSettings.QueueCapacity"/> of them in memory, and a few workers
/// run the hooks, one project's strictly in recording order, different projects at once. When a hook ends (whatever
/// its exit code) the store notes it (its cursor, and the result itself while an earlier one of another project still
/// runs), so after a restart every result is hooked exactly once, except one whose hook was running at the crash.
/// The recorder never waits for hooks, and hooks that fall behind only read further back in the store.
/// </summary>
internal sealed class ResultHooks
{
    /// <summary>Results read from the store at once.</summary>
    private const int ReadBatch = 256;

    private readonly ILogger _log;
    private readonly HookSettings _settings;
    private readonly object _gate = new();

    /// <summary>Per project, the results waiting; a project is here while one of its hooks runs or waits.</summary>
    private readonly Dictionary<string, Queue<(long Seq, HookItem Item)>> _projects = new(StringComparer.Ordinal);

    /// <summary>Projects with a result waiting and no hook running.</summary>
    private readonly Queue<string> _ready = new();

    /// <summary>Results read and not yet hooked: the cursor stays below the oldest.</summary>
    private readonly SortedSet<long> _open = [];

    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _more = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private ResultStore? _store;
    private HashSet<long> _appliedAbove = [];
    private Task[] _workers = [];
    private long _readUpTo;
    private long _available;
    private long _finished;
    private bool _warnedBehind;

    public ResultHooks(ILogger log, HookSettings settings)
    {
        _log = log;
        _settings = settings;
    }

    public HookSettings Settings => _settings;

    /// <summary>Hooks that have ended (and were noted) since the start.</summary>
    public long Finished => Interlocked.Read(ref _finished);

    /// <summary>Results waiting for or running their hook in memory now.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Reads where the hooks are in <paramref name="store"/>; say how many results wait from before a restart.</summary>
    public void Open(ResultStore store)
    {
        _store = store;
        _readUpTo = store.Cursor(ResultRecorder.HooksCursor);
        _available = _readUpTo;
        _appliedAbove = store.Applied(ResultRecorder.HooksCursor);
        var waiting = store.LastSeq() - _readUpTo - _appliedAbove.Count;
        if (waiting > 0)
        {
            _log.Information("Hooking {Count} result(s) recorded before the restart whose hook had not ended", waiting);
        }
    }

    public void Start()
    {
        _workers = [.. Enumerable.Range(0, _settings.Jobs).Select(_ => Task.Run(WorkAsync)), Task.Run(ReadAsync)];
    }

    /// <summary>Every result up to <paramref name="seq"/> may be hooked now (its line and output file exist); never waits.</summary>
    public void Available(long seq)
    {
        lock (_gate)
        {
            if (seq <= _available)
            {
                return;
            }
            _available = seq;
        }
        _more.Release();
    }

    /// <summary>Stops taking hooks; waits for running ones (each gets a short grace, then is killed and left for the next start).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        long waiting;
        lock (_gate)
        {
            waiting = _available - _readUpTo + _open.Count;
        }
        if (waiting > 0)
        {
            _log.Information("{Count} result(s) still wait for their hook; they are hooked after the next start", waiting);
        }
    }

    /// <summary>Reads results from the store into the queue while there is room and something is available.</summary>
    private async Task ReadAsync()
    {
        var stopping = _stopping.Token;
        while (true)
        {
            if (!await SignalledAsync(_more, stopping).ConfigureAwait(false))
            {
                return;
            }
            try
            {
                ReadMore();
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                _log.Warning("Cannot read results for their hooks from the results store: {Reason}; trying again with the next result", ex.Message);
            }
            catch (Exception ex)
            {
                _log.Error(ex, "Reading results for their hooks failed");
            }
        }
    }

    /// <summary>Waits for <paramref name="signal"/>; false once the hooks are stopping.</summary>
    private static async Task<bool> SignalledAsync(SemaphoreSlim signal, CancellationToken stopping)
    {
        try
        {
            await signal.WaitAsync(stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void ReadMore()
    {
        var store = _store!;
        while (true)
        {
            long from, upTo;
            int room;
            lock (_gate)
            {
                (from, upTo, room) = (_readUpTo, _available, _settings.QueueCapacity - _open.Count);
                if (from >= upTo || room <= 0)
                {
                    if (from < upTo && !_warnedBehind)
                    {
                        _warnedBehind = true;
                        _log.Warning("Result hooks fall behind: {Capacity} results already wait for their hook; later results wait in the results store and are hooked in order as these end",
                            _settings.QueueCapacity);
                    }
                    return;
                }
            }
            var rows = store.ResultsAfter(from, Math.Min(room, ReadBatch), withOutput: false);
            var woken = 0;
            lock (_gate)
            {
                foreach (var row in rows)
                {
                    if (row.Seq > _available)
                    {
                        break;
                    }
                    _readUpTo = row.Seq;
                    if (_appliedAbove.Remove(row.Seq))
                    {
                        continue; // hooked before a restart, after an earlier result that was not
                    }
                    var item = ItemOf(store, row);
                    _open.Add(row.Seq);
                    if (!_projects.TryGetValue(row.Project, out var waiting))
                    {
                        _projects[row.Project] = waiting = new Queue<(long, HookItem)>();
                        _ready.Enqueue(row.Project);
                        woken++;
                    }
                    waiting.Enqueue((row.Seq, item));
                }
                if (rows.Count == 0)
                {
                    _readUpTo = upTo; // removed by retention meanwhile: nothing to hook
                }
            }
            if (woken > 0)
            {
                _signal.Release(woken);
            }
        }
    }

    /// <summary>What the hook of <paramref name="row"/> is told, with the previous outcome of its project on its builder.</summary>
    private HookItem ItemOf(ResultStore store, StoredResult row)
    {
        var previous = store.Previous(row.Project, row.Builder, row.Seq);
        var output = Path.Combine(_settings.OutputRoot, OutputFiles.RelativePath(row.Project, row.BuildId, row.Builder));
        return new HookItem(row.ToStatus(withOutput: false), previous is null ? null : OutcomeKinds.ToText(previous.Kind), File.Exists(output) ? output : null);
    }

    private async Task WorkAsync()
    {
        try
        {
            await WorkLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug: the other workers go on, and what this one held is hooked after the next start.
            _log.Error(ex, "A result hook worker failed");
        }
    }

    private async Task WorkLoopAsync()
    {
        var stopping = _stopping.Token;
        while (true)
        {
            if (!await SignalledAsync(_signal, stopping).ConfigureAwait(false))
            {
                return;
            }
            string project;
            (long Seq, HookItem Item) next;
            lock (_gate)
            {
                project = _ready.Dequeue();
                next = _projects[project].Peek();
            }
            var done = await RunAsync(next.Item, stopping).ConfigureAwait(false);
            if (!done)
            {
                return; // stopping
            }
            var wake = false;
            lock (_gate)
            {
                var waiting = _projects[project];
                waiting.Dequeue();
                _open.Remove(next.Seq);
                Note(next.Seq, next.Item.Entry);
                if (waiting.Count == 0)
                {
                    _projects.Remove(project);
                }
                else
                {
                    _ready.Enqueue(project);
                    wake = true;
                }
            }
            if (wake)
            {
                _signal.Release();
            }
            _more.Release();
        }
    }

    /// <summary>Called with the lock held: the hook of <paramref name="seq"/> ended; the store notes it and moves the cursor.</summary>
    private void Note(long seq, RecordedResult entry)
    {
        var cursor = _open.Count > 0 ? _open.Min - 1 : _readUpTo;
        try
        {
            _store!.MarkApplied(ResultRecorder.HooksCursor, seq, cursor);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            _log.Warning("Cannot note in the results store that the hook of build {BuildId} on {Builder} ran ({Reason}); it runs again after the next start",
                entry.Id, entry.Builder, ex.Message);
        }
        Interlocked.Increment(ref _finished);
    }

    /// <summary>Runs one hook and logs how it went; false when it was cut short by the stop.</summary>
    private async Task<bool> RunAsync(HookItem item, CancellationToken stopping)
    {
        var entry = item.Entry;
        HookOutcome outcome;
        try
        {
            outcome = await HookProcess.RunAsync(_settings.Script, _settings.OutputRoot, VariablesFor(item), _settings.Timeout, stopping)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug must not stop hooking: counted as a hook that could not start.
            outcome = new HookOutcome(null, false, false, ex.Message, [], 0);
        }
        if (outcome.Stopped)
        {
            return false;
        }
        if (outcome.StartError is { } reason)
        {
            _log.Warning("Result hook {Script} could not start for build {BuildId} on {Builder}: {Reason}", _settings.Script, entry.Id, entry.Builder, reason);
        }
        else if (outcome.TimedOut)
        {
            _log.Warning("Result hook {Script} for build {BuildId} on {Builder} still ran after {Seconds} s and was killed with its process group; last output: {LastLine}",
                _settings.Script, entry.Id, entry.Builder, (int)_settings.Timeout.TotalSeconds, outcome.LastLine);
        }
        else if (!outcome.Succeeded)
        {
            _log.Warning("Result hook {Script} for build {BuildId} on {Builder} failed with exit code {ExitCode} in {Ms} ms; last output: {LastLine}",
                _settings.Script, entry.Id, entry.Builder, outcome.ExitCode, outcome.ElapsedMs, outcome.LastLine);
        }
        else if (outcome.LastLines.Count > 0)
        {
            _log.Information("Result hook for build {BuildId} on {Builder} ran in {Ms} ms: {LastLine}", entry.Id, entry.Builder, outcome.ElapsedMs, outcome.LastLine);
        }
        return true;
    }

    /// <summary>The variables a hook is given (README "Result hooks" lists them).</summary>
    private Dictionary<string, string> VariablesFor(HookItem item)
    {
        var entry = item.Entry;
        var url = _settings.WebBaseUrl ?? "";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SIMPLEBB_RESULT"] = Outcomes.Word(entry.Outcome),
            ["SIMPLEBB_OUTCOME"] = entry.Outcome,
            ["SIMPLEBB_LAST_RESULT"] = item.LastResult ?? "",
            ["SIMPLEBB_PROJECT"] = entry.Project,
            ["SIMPLEBB_REVISION"] = entry.Revision,
            ["SIMPLEBB_BUILDER"] = entry.Builder,
            ["SIMPLEBB_BUILD_ID"] = entry.Id,
            ["SIMPLEBB_EXIT_CODE"] = entry.ExitCode.ToString(CultureInfo.InvariantCulture),
            ["SIMPLEBB_DURATION_MS"] = entry.DurationMs.ToString(CultureInfo.InvariantCulture),
            ["SIMPLEBB_OUTPUT_FILE"] = item.OutputFile ?? "",
            ["SIMPLEBB_URL"] = url,
            ["SIMPLEBB_BUILD_URL"] = url.Length == 0 ? "" : $"{url}{(url.EndsWith('/') ? "" : "/")}build/{Uri.EscapeDataString(entry.Id)}",
        };
    }
}
