using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Something outside the protocol that follows the server's events (the web dashboard's open pages). Posting must
/// only queue: it is called on the server's own paths (results, fan-out), which must never wait for a reader.
/// </summary>
public interface IEventListener
{
    /// <summary>Queues the event and its JSON (encoded once for everyone); false when the listener's queue is full,
    /// and the listener is then forgotten (it should end itself, like a slow status client).</summary>
    bool TryPost(EventMessage message, string json);
}
