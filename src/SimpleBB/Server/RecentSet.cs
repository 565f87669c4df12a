namespace SimpleBB.Server;

/// <summary>A set that forgets its oldest members beyond a capacity, so remembering results costs bounded memory.</summary>
internal sealed class RecentSet(int capacity)
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count => _set.Count;

    public bool Contains(string key) => _set.Contains(key);

    public void Add(string key)
    {
        if (!_set.Add(key))
        {
            return;
        }
        _order.Enqueue(key);
        if (_order.Count > capacity)
        {
            _set.Remove(_order.Dequeue());
        }
    }
}
