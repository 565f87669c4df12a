using System.Globalization;
using Serilog;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Runs the --on-result script for every recorded result, away from the recording loop: the loop only queues (never
/// waits), a few workers run the hooks, one project's hooks strictly in recording order, different projects at once.
/// When a hook ends (whatever its exit code) a marker in the journal says so; results without one are hooked again at
/// the next start. The queue is bounded: once a project's result does not fit, that project's later results wait in the
/// journal for the next start too (so its order holds), and a warning says so.
/// </summary>
internal sealed class ResultHooks
{
    /// <summary>Beyond this many projects with results left for the restart, every project's are.</summary>
    private const int MaxSpilledProjects = 1000;

    private readonly ILogger _log;
    private readonly ResultJournal _journal;
    private readonly HookSettings _settings;
    private readonly object _gate = new();

    /// <summary>Per project, the results waiting; a project is here while one of its hooks runs or waits.</summary>
    private readonly Dictionary<string, Queue<HookItem>> _projects = new(StringComparer.Ordinal);

    /// <summary>Projects with a result waiting and no hook running.</summary>
    private readonly Queue<string> _ready = new();

    private readonly HashSet<string> _spilled = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _workers = [];
    private int _queued;
    private bool _spilledAll;
    private long _left;
    private long _finished;

    public ResultHooks(ILogger log, ResultJournal journal, HookSettings settings)
    {
        _log = log;
        _journal = journal;
        _settings = settings;
    }

    public HookSettings Settings => _settings;

    /// <summary>Hooks that have ended (and were marked) since the start.</summary>
    public long Finished => Interlocked.Read(ref _finished);

    /// <summary>Results waiting for or running their hook now.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    public void Start()
    {
        _workers = [.. Enumerable.Range(0, _settings.Jobs).Select(_ => Task.Run(WorkAsync))];
    }

    /// <summary>Queues a result for its hook; never waits. Returns false when it is left for the next start.</summary>
    public bool Enqueue(HookItem item)
    {
        var project = item.Entry.Project;
        bool wake;
        lock (_gate)
        {
            if (_spilledAll || _queued >= _settings.QueueCapacity || (_spilled.Count > 0 && _spilled.Contains(project)))
            {
                Spill(project);
                return false;
            }
            _queued++;
            wake = !_projects.TryGetValue(project, out var waiting);
            if (waiting is null)
            {
                _projects[project] = waiting = new Queue<HookItem>();
                _ready.Enqueue(project);
            }
            waiting.Enqueue(item);
        }
        if (wake)
        {
            _signal.Release();
        }
        return true;
    }

    /// <summary>Called with the lock held: this result and the project's later ones wait for the next start.</summary>
    private void Spill(string project)
    {
        _left++;
        var first = _spilled.Count == 0 && !_spilledAll;
        if (!_spilledAll && _spilled.Add(project) && _spilled.Count > MaxSpilledProjects)
        {
            _spilledAll = true;
            _spilled.Clear();
        }
        if (first)
        {
            _log.Warning("Result hooks fall behind: {Capacity} results already wait for their hook; the results of project {Project} from now on are hooked after the next start (they stay marked unhooked in the journal)",
                _settings.QueueCapacity, project);
        }
    }

    /// <summary>Stops taking hooks; waits for running ones (each gets a short grace, then is killed and left for the next start).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        long waiting;
        lock (_gate)
        {
            waiting = _queued + _left;
        }
        if (waiting > 0)
        {
            _log.Information("{Count} result(s) still wait for their hook; they are hooked after the next start", waiting);
        }
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
            try
            {
                await _signal.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            string project;
            HookItem item;
            lock (_gate)
            {
                project = _ready.Dequeue();
                item = _projects[project].Peek();
            }
            var done = await RunAsync(item, stopping).ConfigureAwait(false);
            var wake = false;
            lock (_gate)
            {
                var waiting = _projects[project];
                if (done)
                {
                    waiting.Dequeue();
                    _queued--;
                }
                if (waiting.Count == 0)
                {
                    _projects.Remove(project);
                }
                else if (done)
                {
                    _ready.Enqueue(project);
                    wake = true;
                }
            }
            if (wake)
            {
                _signal.Release();
            }
            if (!done)
            {
                return; // stopping
            }
        }
    }

    /// <summary>Runs one hook, logs how it went and marks it in the journal; false when it was cut short by the stop.</summary>
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
        try
        {
            _journal.MarkHooked(entry.Id, entry.Builder);
        }
        catch (IOException ex)
        {
            _log.Warning("Cannot note in the journal that the hook of build {BuildId} on {Builder} ran ({Reason}); it runs again after the next start",
                entry.Id, entry.Builder, ex.Message);
        }
        Interlocked.Increment(ref _finished);
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
