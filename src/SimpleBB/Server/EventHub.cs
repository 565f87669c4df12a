using System.Collections.Concurrent;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Fans events (connected, suggested, started, result, recording paused/resumed) out to following status clients.
/// Each event is encoded once and only queued on each follower; a follower that cannot keep up is dropped.
/// </summary>
internal sealed class EventHub
{
    private readonly ConcurrentDictionary<IPeer, byte> _followers = new();

    public void Follow(IPeer peer) => _followers[peer] = 0;

    public void Unfollow(IPeer peer) => _followers.TryRemove(peer, out _);

    public void Publish(EventMessage message)
    {
        if (_followers.IsEmpty)
        {
            return;
        }
        ReadOnlyMemory<byte> frame = MessageCodec.Encode(message);
        foreach (var follower in _followers.Keys)
        {
            if (!follower.TrySend(frame))
            {
                _followers.TryRemove(follower, out _);
                follower.Drop(ErrorCodes.SlowConsumer, "outgoing queue full: the status client is not reading");
            }
        }
    }
}
