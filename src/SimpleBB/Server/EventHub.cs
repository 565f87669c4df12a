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

    /// <summary>Followers that asked for live output too (protocol 3).</summary>
    private readonly ConcurrentDictionary<IPeer, byte> _outputFollowers = new();

    /// <param name="peer">The status client.</param>
    /// <param name="output">It asked for live output; taken only from a peer that chose protocol 3.</param>
    public void Follow(IPeer peer, bool output = false)
    {
        _followers[peer] = 0;
        if (output && peer.Protocol >= ProtocolLimits.WatchAndStopVersion)
        {
            _outputFollowers[peer] = 0;
        }
    }

    public void Unfollow(IPeer peer)
    {
        _followers.TryRemove(peer, out _);
        _outputFollowers.TryRemove(peer, out _);
    }

    /// <summary>
    /// Forwards a chunk of live output (encoded once, with its builder) to the followers that asked for it. Only queues
    /// what fits in half of a follower's queue: a follower that reads slowly misses chunks but is not dropped for it.
    /// Returns how many followers missed it.
    /// </summary>
    public int PublishOutput(ReadOnlyMemory<byte> frame)
    {
        var missed = 0;
        foreach (var follower in _outputFollowers.Keys)
        {
            if (!follower.TrySendOptional(frame))
            {
                missed++;
            }
        }
        return missed;
    }

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
