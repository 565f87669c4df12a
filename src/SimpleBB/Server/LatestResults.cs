using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The latest result per project, revision and builder (bounded: the oldest entries are forgotten), for status, and
/// the machine-specific check: does this revision pass on some machines and fail on others?
/// Every operation but the snapshot costs O(1) for a revision that does not mix passes and failures, so recording
/// results stays fast however many are kept.
/// </summary>
internal sealed class LatestResults(int capacity)
{
    private readonly object _gate = new();

    /// <summary>Set once the results from before the start are in (see <see cref="Loading"/>); readers wait for it.</summary>
    private readonly ManualResetEventSlim _loaded = new(initialState: true);

    /// <summary>
    /// One copy of what results repeat (project, builder, runtime, script hash, address, outcome words, the uname of
    /// each machine): a result kept here then costs its own id, revision and time, not a copy of its machine.
    /// </summary>
    private readonly SharedStrings _shared = new();

    private readonly Dictionary<Uname, Uname> _unames = [];

    /// <summary>Oldest first, so the oldest is forgotten in O(1).</summary>
    private readonly LinkedList<RecordedResult> _order = new();

    private readonly Dictionary<(string Project, string Revision), RevisionResults> _revisions = new();

    /// <summary>
    /// The results from before the start are being read (off the path to listening): until <see cref="AddOlder"/>
    /// brings them, <see cref="All"/> and <see cref="MachineSpecific"/> wait, so nobody sees a partial view.
    /// </summary>
    public void Loading() => _loaded.Reset();

    /// <summary>
    /// Adds results from before the start, newest first, behind everything added since (a newer result of the same
    /// project, revision and builder wins), up to the capacity; then readers go on.
    /// </summary>
    public void AddOlder(IEnumerable<RecordedResult> newestFirst)
    {
        try
        {
            lock (_gate)
            {
                foreach (var older in newestFirst)
                {
                    if (_order.Count >= capacity)
                    {
                        break;
                    }
                    var result = Share(older);
                    var key = (result.Project, result.Revision);
                    if (!_revisions.TryGetValue(key, out var revision))
                    {
                        _revisions[key] = revision = new RevisionResults();
                    }
                    if (!revision.Has(result.Builder))
                    {
                        revision.Add(result.Builder, _order.AddFirst(result));
                    }
                }
            }
        }
        finally
        {
            _loaded.Set();
        }
    }

    public void Add(RecordedResult added)
    {
        lock (_gate)
        {
            var result = Share(added);
            var key = (result.Project, result.Revision);
            if (!_revisions.TryGetValue(key, out var revision))
            {
                _revisions[key] = revision = new RevisionResults();
            }
            if (revision.Remove(result.Builder) is { } replaced)
            {
                _order.Remove(replaced);
            }
            revision.Add(result.Builder, _order.AddLast(result));
            if (_order.Count > capacity)
            {
                var oldest = _order.First!;
                var oldestKey = (oldest.Value.Project, oldest.Value.Revision);
                var oldestRevision = _revisions[oldestKey];
                oldestRevision.Remove(oldest.Value.Builder);
                if (oldestRevision.IsEmpty)
                {
                    _revisions.Remove(oldestKey);
                }
                _order.RemoveFirst();
            }
        }
    }

    /// <summary>Called under the gate.</summary>
    private RecordedResult Share(RecordedResult r)
    {
        if (!_unames.TryGetValue(r.Uname, out var uname))
        {
            uname = r.Uname;
            if (_unames.Count < 4096)
            {
                _unames[uname] = uname;
            }
        }
        return r with
        {
            Project = _shared.Share(r.Project), Builder = _shared.Share(r.Builder), Outcome = _shared.Share(r.Outcome),
            Runtime = _shared.Share(r.Runtime), ScriptSha256 = r.ScriptSha256 is { } sha ? _shared.Share(sha) : null,
            Address = r.Address is { } address ? _shared.Share(address) : null, Uname = uname,
        };
    }

    public RecordedResult[] All()
    {
        _loaded.Wait();
        lock (_gate)
        {
            return [.. _order];
        }
    }

    /// <summary>What differs between the machines this revision passed and failed on, or null.</summary>
    public string? MachineSpecific(string project, string revision)
    {
        _loaded.Wait();
        lock (_gate)
        {
            if (!_revisions.TryGetValue((project, revision), out var results) || !results.Mixed)
            {
                return null;
            }
            return MachineDifference.Describe(results.Results
                .Where(r => Outcomes.Verdict(r.Outcome) is not null)
                .Select(r => (r.Outcome == Outcomes.Success, r.Uname, r.Runtime, r.ScriptSha256)));
        }
    }
}
