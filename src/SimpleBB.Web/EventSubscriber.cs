using System.Net.ServerSentEvents;
using System.Threading.Channels;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// One open page's event stream. Events are only queued here (bounded); the response writes them at the page's
/// pace. A page that stops reading fills its queue and is dropped, like a slow status client, so it costs the
/// server a fixed amount of memory and never delays a result.
/// </summary>
internal sealed class EventSubscriber(int capacity, Action<EventSubscriber> dropped, Action<EventSubscriber> ended) : IEventListener
{
    private readonly Channel<SseItem<string>> _queue = Channel.CreateBounded<SseItem<string>>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private const int MaxBatch = 1000;

    private int _dropped;

    public bool TryPost(EventMessage message, string json) => Post(new SseItem<string>(json, message.Kind));

    /// <summary>A keep-alive, so proxies keep the connection and the page notices a dead one.</summary>
    public void Ping() => Post(new SseItem<string>("{}", "ping"));

    /// <summary>Ends the stream (server stopping).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private bool Post(SseItem<string> item)
    {
        if (_queue.Writer.TryWrite(item))
        {
            return true;
        }
        // Full: the page has stopped reading. The stream ends after what is queued (a page that reads again then
        // reconnects and re-reads the state); if it never reads, Kestrel's minimum response rate closes it.
        if (Interlocked.Exchange(ref _dropped, 1) == 0 && _queue.Writer.TryComplete())
        {
            dropped(this);
        }
        return false;
    }

    public async IAsyncEnumerable<SseItem<string>> ReadAllAsync(string hello, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The first item sets how soon the browser reconnects after the server restarts.
        try
        {
            yield return new SseItem<string>(hello, "hello") { ReconnectionInterval = TimeSpan.FromSeconds(2) };
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!reader.TryRead(out var first))
                {
                    continue;
                }
                if (!reader.TryPeek(out _))
                {
                    yield return first;
                    continue;
                }
                // Several waiting (a burst of results): one "batch" event with all of them as a JSON array, so a
                // page costs one write per burst rather than one per result.
                var batch = new System.Text.StringBuilder(4096).Append('[');
                var count = 0;
                for (var item = first; ; )
                {
                    if (item.EventType != "ping")
                    {
                        batch.Append(count++ == 0 ? "" : ",").Append(item.Data);
                    }
                    if (count >= MaxBatch || !reader.TryRead(out item))
                    {
                        break;
                    }
                }
                yield return new SseItem<string>(batch.Append(']').ToString(), "batch");
            }
        }
        finally
        {
            ended(this); // the stream finished, failed or the page went away
        }
    }
}
