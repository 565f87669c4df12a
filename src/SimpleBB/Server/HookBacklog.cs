using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// While the journal is read at start: the entries whose hook has not ended, in journal order, so they are hooked
/// again. A marker removes its entry once the scan reaches it, so which entries are left is known only at the end:
/// the first <paramref name="capacity"/> candidates keep their whole item, later ones only their key and previous
/// outcome, and <see cref="NeedsReread"/> says when the journal must be read once more to fill in items for the
/// candidates that moved up. Beyond <see cref="MaxCandidates"/> candidates, every later entry waits for a later start
/// (always a tail, so each project's order holds).
/// </summary>
internal sealed class HookBacklog(int capacity, Func<ResultStatus, string?, HookItem> makeItem)
{
    private const int CandidatesPerQueueSlot = 10;

    private readonly Dictionary<(string Id, string Builder), LinkedListNode<Candidate>> _byKey = new();
    private readonly LinkedList<Candidate> _order = new();
    private bool _overflowed;

    /// <summary>Candidates kept at most (keys and previous outcomes): ten times the queue.</summary>
    public int MaxCandidates => capacity * CandidatesPerQueueSlot;

    /// <summary>Unhooked entries beyond what is handed over now (approximate once candidates overflowed).</summary>
    public long Left => Math.Max(0, _order.Count - capacity) + _dropped;

    private long _dropped;

    /// <summary>True when one of the first candidates has no item yet: call <see cref="Fill"/> for every entry again.</summary>
    public bool NeedsReread => _order.Take(capacity).Any(c => c.Item is null);

    /// <summary>The items to hook now, in journal order (after <see cref="Fill"/> when <see cref="NeedsReread"/>).</summary>
    public IEnumerable<HookItem> Items => _order.Take(capacity).Where(c => c.Item is not null).Select(c => c.Item!);

    /// <summary>An entry read, in journal order, with the previous outcome of its project on its builder.</summary>
    public void Add(ResultStatus entry, string? lastResult)
    {
        if (_overflowed || _order.Count >= MaxCandidates)
        {
            _overflowed = true;
            _dropped++;
            return;
        }
        var item = _order.Count < capacity ? makeItem(entry, lastResult) : null;
        _byKey[(entry.Id, entry.Builder)] = _order.AddLast(new Candidate(entry.Id, entry.Builder, lastResult) { Item = item });
    }

    /// <summary>A hook marker: that entry's hook ended, or (id "*") every entry so far is settled.</summary>
    public void Hooked(string id, string? builder)
    {
        if (id == ResultJournal.AllHookedId)
        {
            Clear();
        }
        else if (builder is not null && _byKey.Remove((id, builder), out var node))
        {
            _order.Remove(node);
        }
        else if (_dropped > 0)
        {
            _dropped--; // its entry was one of those dropped
        }
    }

    /// <summary>The second reading: gives the candidates among the first that lack one their item.</summary>
    public void Fill(ResultStatus entry)
    {
        if (_byKey.TryGetValue((entry.Id, entry.Builder), out var node) && node.Value.Item is null)
        {
            node.Value.Item = makeItem(entry, node.Value.LastResult);
        }
    }

    public void Clear()
    {
        _byKey.Clear();
        _order.Clear();
        _overflowed = false;
        _dropped = 0;
    }

    private sealed record Candidate(string Id, string Builder, string? LastResult)
    {
        public HookItem? Item { get; set; }
    }
}
