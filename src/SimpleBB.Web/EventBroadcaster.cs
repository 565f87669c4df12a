using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Threading.Channels;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// Carries the server's events to every open page. The server's own threads only append an event's JSON (encoded
/// once) to a list; a tenth of a second after the first, what was gathered goes out as one SSE item, built once
/// and shared by every page: a single event under its kind, several as one "batch" (the newest 50 and how many
/// older ones were left out). A burst of thousands of results per second so costs each page about ten small writes
/// a second, whatever the rate.
/// </summary>
internal sealed class EventBroadcaster(int maxBatch) : IEventListener
{
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private readonly ConcurrentDictionary<EventSubscriber, byte> _subscribers = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private List<(string Kind, string Json)> _pending = [];

    public int Count => _subscribers.Count;

    public void Add(EventSubscriber subscriber) => _subscribers[subscriber] = 0;

    public void Remove(EventSubscriber subscriber) => _subscribers.TryRemove(subscriber, out _);

    public bool TryPost(EventMessage message, string json)
    {
        if (_subscribers.IsEmpty)
        {
            return true;
        }
        lock (_gate)
        {
            _pending.Add((message.Kind, json));
        }
        _wake.Writer.TryWrite(true);
        return true;
    }

    /// <summary>A keep-alive to every page, so proxies keep the connection and a page notices a dead one.</summary>
    public void Ping() => Send(new SseItem<string>("{}", "ping"));

    /// <summary>Ends every page's stream (server stopping).</summary>
    public void CompleteAll()
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Complete();
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                await Task.Delay(Gather, stopping).ConfigureAwait(false);
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void Flush()
    {
        List<(string Kind, string Json)> events;
        lock (_gate)
        {
            events = _pending;
            _pending = [];
        }
        if (events.Count == 1)
        {
            Send(new SseItem<string>(events[0].Json, events[0].Kind));
        }
        else if (events.Count > 1)
        {
            // A page needs to know that something changed (it re-reads the state) and the last few events for its
            // feed, not every result of a burst: a program that wants every event follows simplebb-status --follow.
            var first = Math.Max(0, events.Count - maxBatch);
            var batch = new System.Text.StringBuilder((events.Count - first) * 256).Append("{\"omitted\":").Append(first).Append(",\"events\":[");
            for (var i = first; i < events.Count; i++)
            {
                batch.Append(i == first ? "" : ",").Append(events[i].Json);
            }
            Send(new SseItem<string>(batch.Append("]}").ToString(), "batch"));
        }
    }

    private void Send(SseItem<string> item)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            if (!subscriber.TryPost(item))
            {
                _subscribers.TryRemove(subscriber, out _);
            }
        }
    }
}
