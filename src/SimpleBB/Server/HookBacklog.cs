namespace SimpleBB.Server;

/// <summary>
/// While the journal is read at start: the entries whose hook has not ended, in journal order, so they are hooked
/// again. Holds at most <paramref name="capacity"/>; entries beyond it are counted in <see cref="Left"/> and stay
/// unmarked in the journal for a later start.
/// </summary>
internal sealed class HookBacklog(int capacity)
{
    private readonly Dictionary<(string Id, string Builder), LinkedListNode<HookItem>> _byKey = new();
    private readonly LinkedList<HookItem> _order = new();

    /// <summary>Unhooked entries that did not fit.</summary>
    public long Left { get; private set; }

    public IEnumerable<HookItem> Items => _order;

    public void Add(HookItem item)
    {
        if (_order.Count >= capacity)
        {
            Left++;
            return;
        }
        _byKey[(item.Entry.Id, item.Entry.Builder)] = _order.AddLast(item);
    }

    /// <summary>A hook marker: that entry's hook ended, or (id "*") every entry so far is settled.</summary>
    public void Hooked(string id, string? builder)
    {
        if (id == ResultJournal.AllHookedId)
        {
            _byKey.Clear();
            _order.Clear();
            Left = 0;
        }
        else if (builder is not null && _byKey.Remove((id, builder), out var node))
        {
            _order.Remove(node);
        }
        else if (Left > 0)
        {
            Left--; // its entry was one of those that did not fit
        }
    }

    public void Clear()
    {
        _byKey.Clear();
        _order.Clear();
        Left = 0;
    }
}
