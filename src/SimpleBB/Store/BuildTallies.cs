namespace SimpleBB.Store;

/// <summary>
/// The counts of recent builds' results, kept as results are published, so the overview does not count a build's
/// thousand results in the store on every view. A build not here is counted by the store once and then kept
/// current: each count remembers the last sequence number in it, so a result published after the store counted it
/// is added and one the count already has is not. Bounded: the least recently used builds are forgotten.
/// </summary>
public sealed class BuildTallies(int capacity = 2_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<BuildTally>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<BuildTally> _order = new();

    /// <summary>A result was recorded and published: counted in its build when that build is known here.</summary>
    public void Add(StoredResult result)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(result.BuildId, out var node) || result.Seq <= node.Value.LastSeq)
            {
                return;
            }
            var t = node.Value;
            var verdict = result.Kind switch
            {
                OutcomeKind.Success => 1,
                OutcomeKind.Failed or OutcomeKind.Timeout or OutcomeKind.Lost => 2,
                _ => 0,
            };
            node.Value = t with
            {
                Passed = t.Passed + (verdict == 1 ? 1 : 0), Failed = t.Failed + (verdict == 2 ? 1 : 0), Other = t.Other + (verdict == 0 ? 1 : 0),
                ShortestMs = Math.Min(t.ShortestMs, result.DurationMs), LongestMs = Math.Max(t.LongestMs, result.DurationMs),
                Newest = t.Newest < result.Finished ? result.Finished : t.Newest, LastSeq = result.Seq,
            };
        }
    }

    /// <summary>The counts of these builds: those kept here, and the others from <paramref name="count"/> (then kept).</summary>
    public Dictionary<string, BuildTally> Get(IReadOnlyList<string> buildIds, Func<IReadOnlyList<string>, IReadOnlyList<BuildTally>> count)
    {
        var found = new Dictionary<string, BuildTally>(buildIds.Count, StringComparer.Ordinal);
        var missing = new List<string>();
        lock (_gate)
        {
            foreach (var id in buildIds)
            {
                if (_byId.TryGetValue(id, out var node))
                {
                    _order.Remove(node);
                    _order.AddLast(node);
                    found[id] = node.Value;
                }
                else
                {
                    missing.Add(id);
                }
            }
        }
        if (missing.Count == 0)
        {
            return found;
        }
        var counted = count(missing);
        lock (_gate)
        {
            foreach (var tally in counted)
            {
                found[tally.BuildId] = tally;
                if (!_byId.ContainsKey(tally.BuildId))
                {
                    _byId[tally.BuildId] = _order.AddLast(tally);
                    if (_order.Count > capacity)
                    {
                        _byId.Remove(_order.First!.Value.BuildId);
                        _order.RemoveFirst();
                    }
                }
            }
        }
        return found;
    }
}
