using System.Net.ServerSentEvents;
using System.Threading.Channels;

namespace SimpleBB.Web;

/// <summary>
/// One open page's event stream. Items (shared by all pages) are only queued here, bounded; the response writes them
/// at the page's pace. A page that stops reading fills its queue and is dropped, like a slow status client, so it
/// costs the server a fixed amount of memory and never delays a result.
/// </summary>
internal sealed class EventSubscriber(int capacity, Action<EventSubscriber> dropped, Action<EventSubscriber> ended)
{
    private readonly Channel<SseItem<string>> _queue = Channel.CreateBounded<SseItem<string>>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int _dropped;

    /// <summary>Queues an item; false when the page has stopped reading (it is then dropped).</summary>
    public bool TryPost(SseItem<string> item)
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

    /// <summary>Ends the stream (server stopping).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async IAsyncEnumerable<SseItem<string>> ReadAllAsync(string hello, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            // The first item sets how soon the browser reconnects after the server restarts.
            yield return new SseItem<string>(hello, "hello") { ReconnectionInterval = TimeSpan.FromSeconds(2) };
            await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            ended(this); // the stream finished, failed or the page went away
        }
    }
}
