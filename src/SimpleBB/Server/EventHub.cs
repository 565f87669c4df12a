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

    public void Follow(IPeer peer) => _followers[peer] = 0;

    public void Unfollow(IPeer peer) => _followers.TryRemove(peer, out _);

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
