using System.Buffers;
using System.Net.Sockets;

namespace SimpleBB.Protocol;

/// <summary>
/// The sending half of a connection: a bounded queue of encoded lines and the writer that empties it. Senders only
/// enqueue (<see cref="TrySend"/>); writing happens on the thread pool, so a peer that stops reading never blocks
/// anyone: its queue fills and <see cref="TrySend"/> returns false. The writer exists only while something is queued,
/// so an idle connection holds no suspended send loop (memory per connection is what limits a server with 10,000
/// builders), and on plain TCP it writes with a non-blocking system call, waiting asynchronously only when the peer's
/// socket buffer is full.
/// </summary>
public sealed class OutgoingQueue
{
    /// <summary>Writes completed back to back before the writer yields its thread, for the reason given at <see cref="LineReader.LinesPerYield"/>.</summary>
    private const int WritesPerYield = 16;

    /// <summary>Queued frames are copied into one buffer of this size and written with one call.</summary>
    private const int CoalesceBytes = 64 * 1024;

    private readonly Socket _socket;

    /// <summary>TLS over the socket; null for plain TCP, which writes to the (non-blocking) socket directly.</summary>
    private readonly Stream? _stream;
    private readonly int _maxPendingMessages;

    /// <summary>The lock for the frames and the send state.</summary>
    private readonly object _gate = new();

    /// <summary>The frames waiting to be sent (a struct: used in place, under <see cref="_gate"/>).</summary>
    private FrameQueue _frames;

    /// <summary>Created only when someone waits for sending to end (clients do; the server uses <see cref="SendObserver"/>).</summary>
    private TaskCompletionSource? _ended;
    private Exception? _error;
    private int _hasEnded;
    private long _queuedBytes;

    /// <summary>True while a writer runs; invariant: the queue is empty whenever this is false.</summary>
    private bool _writing;

    /// <param name="socket">The connected socket; made non-blocking when there is no <paramref name="stream"/>.</param>
    /// <param name="stream">TLS over the socket, or null to write to the socket directly.</param>
    /// <param name="maxPendingMessages">Frames that may wait to be sent before <see cref="TrySend"/> fails.</param>
    public OutgoingQueue(Socket socket, Stream? stream, int maxPendingMessages)
    {
        _socket = socket;
        _stream = stream;
        _maxPendingMessages = maxPendingMessages;
        if (stream is null)
        {
            socket.Blocking = false;
        }
    }

    /// <summary>Told once when sending has ended (completed and written out, or failed); set before the first send.</summary>
    public ISendObserver? SendObserver { get; set; }

    /// <summary>Bytes that may wait to be sent, whatever the number of frames: a peer that does not read holds at most this.</summary>
    public long MaxPendingBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>True once the connection is closing: a failed send then means nothing about the peer's speed.</summary>
    public bool IsSendingCompleted { get; private set; }

    /// <summary>Queues a frame (one encoded line) for sending. False when the queue is full (frames or bytes) or closed.</summary>
    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            if (IsSendingCompleted || _frames.Count >= _maxPendingMessages || _queuedBytes + frame.Length > MaxPendingBytes)
            {
                return false;
            }
            _frames.Enqueue(frame);
            _queuedBytes += frame.Length;
            if (_writing)
            {
                return true;
            }
            _writing = true;
        }
        // Never write on the caller's thread: a fan-out to thousands of peers only enqueues.
        ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.WriteQueuedAsync(), this, preferLocal: false);
        return true;
    }

    /// <summary>
    /// Queues a frame the peer can do without (live output) only while the queue is at most half full, in frames and in
    /// bytes, so that such frames can never fill it: the messages that matter (results, errors) always find room and a
    /// peer that reads slowly loses optional frames instead of being dropped. False when the frame was not queued.
    /// </summary>
    public bool TrySendOptional(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            if (_frames.Count >= _maxPendingMessages / 2 || _queuedBytes + frame.Length > MaxPendingBytes / 2)
            {
                return false;
            }
        }
        return TrySend(frame);
    }

    /// <summary>No more frames will be queued; sending ends once the queue is written out.</summary>
    public void CompleteSending()
    {
        bool idle;
        lock (_gate)
        {
            IsSendingCompleted = true;
            idle = !_writing;
        }
        if (idle)
        {
            Ended(null);
        }
    }

    /// <summary>
    /// Completes when sending has ended: <see cref="CompleteSending"/> was called and everything queued is written; fails
    /// with the write error if the connection broke. Cancelling stops the wait, not the writing (closing the connection
    /// stops that).
    /// </summary>
    public Task WaitForSendingToEndAsync(CancellationToken cancellationToken)
    {
        var ended = Volatile.Read(ref _ended)
            ?? Interlocked.CompareExchange(ref _ended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null)
            ?? _ended!;
        if (Volatile.Read(ref _hasEnded) != 0)
        {
            Complete(ended);
        }
        return cancellationToken.CanBeCanceled ? ended.Task.WaitAsync(cancellationToken) : ended.Task;
    }

    /// <summary>Sending has ended, for good: tells whoever waits or observes, once.</summary>
    private void Ended(Exception? error)
    {
        if (error is not null)
        {
            _error = error;
        }
        if (Interlocked.Exchange(ref _hasEnded, 1) != 0)
        {
            return;
        }
        if (Volatile.Read(ref _ended) is { } ended)
        {
            Complete(ended);
        }
        SendObserver?.SendEnded(error);
    }

    private void Complete(TaskCompletionSource ended)
    {
        if (_error is { } error)
        {
            ended.TrySetException(error);
        }
        else
        {
            ended.TrySetResult();
        }
    }

    /// <summary>Writes whatever is queued, many frames per write, until the queue is empty; then it ends.</summary>
    private async Task WriteQueuedAsync()
    {
        byte[]? buffer = null;
        var writes = 0;
        try
        {
            while (true)
            {
                var length = 0;
                ReadOnlyMemory<byte> large = default;
                lock (_gate)
                {
                    if (_frames.Count == 0)
                    {
                        _writing = false;
                        break;
                    }
                    if (_frames.TryPeek(out var first) && first.Length > CoalesceBytes)
                    {
                        large = _frames.Dequeue();
                        _queuedBytes -= large.Length;
                    }
                    else
                    {
                        buffer ??= ArrayPool<byte>.Shared.Rent(CoalesceBytes);
                        while (_frames.TryPeek(out var frame) && frame.Length <= buffer.Length - length)
                        {
                            frame.Span.CopyTo(buffer.AsSpan(length));
                            length += frame.Length;
                            _queuedBytes -= frame.Length;
                            _frames.Dequeue();
                        }
                    }
                }
                var write = WriteAsync(large.Length > 0 ? large : buffer.AsMemory(0, length));
                if (write.IsCompletedSuccessfully && ++writes % WritesPerYield == 0)
                {
                    await Task.Yield();
                }
                await write.ConfigureAwait(false);
            }
            bool done;
            lock (_gate)
            {
                done = IsSendingCompleted && !_writing;
            }
            if (done)
            {
                Ended(null);
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                IsSendingCompleted = true; // the connection is broken: refuse further frames
                _frames.Clear();
                _queuedBytes = 0;
                _writing = false;
            }
            Ended(ex);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Writes one buffer. Plain TCP tries a non-blocking system call first (nearly always enough: the kernel takes the
    /// whole frame), and waits asynchronously only for what the peer's full socket buffer did not take.
    /// </summary>
    private ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (_stream is not null)
        {
            return _stream.WriteAsync(data);
        }
        var sent = _socket.Send(data.Span, SocketFlags.None, out var error);
        if (error == SocketError.Success && sent == data.Length)
        {
            return ValueTask.CompletedTask;
        }
        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            throw new SocketException((int)error);
        }
        return SendRestAsync(data[Math.Max(sent, 0)..]);
    }

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> rest)
    {
        while (rest.Length > 0)
        {
            rest = rest[await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false)..];
        }
    }
}
