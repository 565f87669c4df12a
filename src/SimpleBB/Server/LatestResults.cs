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

    /// <summary>Oldest first, so the oldest is forgotten in O(1).</summary>
    private readonly LinkedList<RecordedResult> _order = new();

    private readonly Dictionary<(string Project, string Revision), RevisionResults> _revisions = new();

    public void Add(RecordedResult result)
    {
        lock (_gate)
        {
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

    public RecordedResult[] All()
    {
        lock (_gate)
        {
            return [.. _order];
        }
    }

    /// <summary>What differs between the machines this revision passed and failed on, or null.</summary>
    public string? MachineSpecific(string project, string revision)
    {
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
