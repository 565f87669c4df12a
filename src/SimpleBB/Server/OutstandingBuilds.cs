using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Builds sent to one builder and not yet answered, oldest first. Every operation is O(1): a builder may owe
/// thousands, and each result removes one from the middle.
/// </summary>
internal sealed class OutstandingBuilds
{
    // Created on the first build: an idle builder owes nothing and should hold nothing.
    private Dictionary<string, LinkedListNode<BuildMessage>>? _byId;
    private LinkedList<BuildMessage>? _order;

    public int Count => _byId?.Count ?? 0;

    /// <summary>The ids, oldest first.</summary>
    public string[] Ids => _order is null ? [] : [.. _order.Select(build => build.Id)];

    public void Add(BuildMessage build)
    {
        _order ??= new LinkedList<BuildMessage>();
        _byId ??= new Dictionary<string, LinkedListNode<BuildMessage>>(StringComparer.Ordinal);
        _byId.Add(build.Id, _order.AddLast(build));
    }

    public bool TryGetValue(string id, out BuildMessage build)
    {
        if (_byId is not null && _byId.TryGetValue(id, out var node))
        {
            build = node.Value;
            return true;
        }
        build = null!;
        return false;
    }

    public bool Remove(string id)
    {
        if (_byId is null || !_byId.Remove(id, out var node))
        {
            return false;
        }
        _order!.Remove(node);
        return true;
    }

    /// <summary>Forgets the oldest build and returns its id.</summary>
    public string RemoveOldest()
    {
        var oldest = _order!.First!.Value;
        Remove(oldest.Id);
        return oldest.Id;
    }
}
