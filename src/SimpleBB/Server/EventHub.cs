using System.Collections.Concurrent;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Fans events (connected, suggested, started, result, recording paused/resumed) out to following status clients.
/// Each event is encoded once and only queued on each follower; a follower that cannot keep up is dropped. The web
/// dashboard's open pages listen the same way (<see cref="IEventListener"/>), with the same rule.
/// </summary>
internal sealed class EventHub
{
    private readonly ConcurrentDictionary<IPeer, byte> _followers = new();
    private readonly ConcurrentDictionary<IEventListener, byte> _listeners = new();

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

    public void Listen(IEventListener listener) => _listeners[listener] = 0;

    public void Unlisten(IEventListener listener) => _listeners.TryRemove(listener, out _);

    private long _published;

    /// <summary>Events published so far: what status shows can only have changed when this has.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Publish(EventMessage message)
    {
        Interlocked.Increment(ref _published);
        if (_followers.IsEmpty && _listeners.IsEmpty)
        {
            return;
        }
        ReadOnlyMemory<byte> frame = MessageCodec.Encode(message);
        if (!_listeners.IsEmpty)
        {
            // The same JSON as a status --follow line, without its newline.
            var json = System.Text.Encoding.UTF8.GetString(frame.Span.TrimEnd((byte)'\n'));
            foreach (var listener in _listeners.Keys)
            {
                if (!listener.TryPost(message, json))
                {
                    _listeners.TryRemove(listener, out _);
                }
            }
        }
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
