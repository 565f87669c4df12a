using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The latest outcome word per project and builder, so a hook can tell whether a result changed. Bounded: beyond
/// <paramref name="capacity"/> pairs the one updated longest ago is forgotten (its next result then has no previous).
/// Used by the recording loop only.
/// </summary>
internal sealed class LastOutcomes(int capacity)
{
    private readonly Dictionary<(string Project, string Builder), LinkedListNode<((string, string) Key, string Word)>> _map = new();
    private readonly LinkedList<((string, string) Key, string Word)> _order = new();

    /// <summary>Records <paramref name="entry"/>'s outcome and returns the word it replaces (null when none is known).</summary>
    public string? Swap(ResultStatus entry)
    {
        var key = (entry.Project, entry.Builder);
        var word = Outcomes.Word(entry.Outcome);
        if (_map.TryGetValue(key, out var node))
        {
            var previous = node.Value.Word;
            _order.Remove(node);
            node.Value = (key, word);
            _order.AddLast(node);
            return previous;
        }
        _map[key] = _order.AddLast((key, word));
        if (_map.Count > capacity)
        {
            _map.Remove(_order.First!.Value.Key);
            _order.RemoveFirst();
        }
        return null;
    }
}
