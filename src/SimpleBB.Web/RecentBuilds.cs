using SimpleBB.Protocol;

namespace SimpleBB.Web;

/// <summary>
/// Builds the dashboard has heard suggested (from the event stream), so a build shows up, with its running and
/// waiting builders, before its first result. Bounded: the oldest are forgotten; results themselves come from the
/// server's latest results.
/// </summary>
internal sealed class RecentBuilds(int capacity) : SimpleBB.Server.IEventListener
{
    private readonly object _gate = new();
    private readonly LinkedList<SuggestedBuild> _order = new();
    private readonly Dictionary<string, SuggestedBuild> _byId = new(StringComparer.Ordinal);

    public bool TryPost(EventMessage message, string json)
    {
        Observe(message);
        return true;
    }

    public void Observe(EventMessage message)
    {
        if (message is not { Kind: "suggested" or "started", Id: { } id, Project: { } project, Revision: { } revision })
        {
            return;
        }
        lock (_gate)
        {
            if (_byId.ContainsKey(id))
            {
                return;
            }
            var build = new SuggestedBuild(id, project, revision, message.Time);
            _byId[id] = build;
            _order.AddLast(build);
            if (_order.Count > capacity)
            {
                _byId.Remove(_order.First!.Value.Id);
                _order.RemoveFirst();
            }
        }
    }

    public SuggestedBuild[] All()
    {
        lock (_gate)
        {
            return [.. _order];
        }
    }
}
