using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace SimpleBB.Web;

/// <summary>
/// One open page's event stream. Items are SSE frames encoded once and shared by all pages; they are only queued
/// here, bounded, and the response writes them at the page's pace (all that is queued, then one flush). A page that
/// stops reading fills its queue and is dropped, like a slow status client, so it costs the server a fixed amount of
/// memory and never delays a result.
/// </summary>
internal sealed class EventSubscriber(int capacity, Action<EventSubscriber> dropped, Action<EventSubscriber> ended)
{
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int _dropped;

    /// <summary>Queues a frame; false when the page has stopped reading (it is then dropped).</summary>
    public bool TryPost(byte[] frame)
    {
        if (_queue.Writer.TryWrite(frame))
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

    /// <summary>Writes <paramref name="hello"/>, then every queued frame, until the stream ends or the page goes away.</summary>
    public async Task WriteAllAsync(PipeWriter body, byte[] hello, CancellationToken cancellationToken)
    {
        try
        {
            body.Write(hello);
            var flushed = await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            var reader = _queue.Reader;
            while (!flushed.IsCompleted && !flushed.IsCanceled && await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    body.Write(frame);
                }
                flushed = await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the page went away
        }
        finally
        {
            ended(this); // the stream finished, failed or the page went away
        }
    }
}
