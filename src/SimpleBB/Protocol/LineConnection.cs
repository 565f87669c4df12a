using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace SimpleBB.Protocol;

/// <summary>
/// The transport under every peer: reads newline-framed lines and sends pre-encoded frames from a bounded queue.
/// It knows nothing about message types. Senders only enqueue (<see cref="TrySend(ReadOnlyMemory{byte})"/>); a
/// pump on the thread pool writes, so a peer that stops reading never blocks anyone else: its queue fills and
/// <see cref="TrySend(ReadOnlyMemory{byte})"/> returns false. The pump exists only while there is something to
/// send, so an idle connection holds no suspended send loop (memory per connection is what limits a server
/// with 10,000 builders).
/// </summary>
public sealed class LineConnection : IAsyncDisposable
{
    /// <summary>Lines handled back to back before a read loop yields its thread (see FACTS: starvation); the server's sessions use it too.</summary>
    public const int LinesPerYield = 64;

    /// <summary>Writes completed back to back before the pump yields its thread, for the same reason.</summary>
    private const int WritesPerYield = 16;

    /// <summary>Queued frames are copied into one buffer of this size and written with one call.</summary>
    private const int CoalesceBytes = 64 * 1024;

    /// <summary>Bytes read at a time; a longer partial line moves to a larger buffer, up to the line limit.</summary>
    private const int ReadBufferBytes = 4096;

    private readonly Socket _socket;

    /// <summary>TLS over the socket; null for plain TCP, which uses the socket directly.</summary>
    private readonly Stream? _stream;
    private readonly int _maxPendingMessages;

    /// <summary>The frames waiting to be sent; also the lock for the send state.</summary>
    private readonly Queue<ReadOnlyMemory<byte>> _outgoing = new();
    private LineFramer _framer;

    /// <summary>Created only when someone waits for sending to end (clients do; the server uses <see cref="SendObserver"/>).</summary>
    private TaskCompletionSource? _sent;
    private Exception? _sendError;
    private int _sendEnded;

    /// <summary>Holds a partial line between reads; null (returned to the pool) whenever no partial line is waiting.</summary>
    private byte[]? _readBuffer;
    private int _readStart;
    private int _readEnd;
    private int _aborted;
    private long _queuedBytes;

    /// <summary>True while a pump is writing; invariant: the queue is empty whenever this is false.</summary>
    private bool _pumping;

    /// <summary>
    /// A plain TCP connection. The socket is made non-blocking, so the pump writes with a plain system call and
    /// falls back to an asynchronous send only when the peer's socket buffer is full.
    /// </summary>
    public LineConnection(Socket socket, int maxLineBytes, int maxPendingMessages)
        : this(socket, null, maxLineBytes, maxPendingMessages)
    {
        socket.Blocking = false;
    }

    /// <param name="socket">The connected socket (closed by <see cref="Abort"/>).</param>
    /// <param name="stream">TLS over the socket, or null to use the socket directly.</param>
    /// <param name="maxLineBytes">Longest line accepted from the peer.</param>
    /// <param name="maxPendingMessages">Frames that may wait to be sent before <see cref="TrySend(ReadOnlyMemory{byte})"/> fails.</param>
    public LineConnection(Socket socket, Stream? stream, int maxLineBytes, int maxPendingMessages)
    {
        _socket = socket;
        RemoteAddress = socket.RemoteEndPoint?.ToString() ?? "unknown";
        RemoteIp = (socket.RemoteEndPoint as IPEndPoint)?.Address;
        _stream = stream;
        _maxPendingMessages = maxPendingMessages;
        _framer = new LineFramer(maxLineBytes);
    }

    /// <summary>Told once when sending has ended (completed and written out, or failed); set before the first send.</summary>
    public ISendObserver? SendObserver { get; set; }

    /// <summary>The peer's address and port, for logs.</summary>
    public string RemoteAddress { get; }

    /// <summary>The peer's IP address (for throttling failed logins), when known.</summary>
    public IPAddress? RemoteIp { get; }

    /// <summary>Sets the socket options every SimpleBB connection uses: no Nagle delay, TCP keepalive.</summary>
    public static void Configure(Socket socket)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
        }
        catch (SocketException)
        {
            // Not every platform lets us tune keepalive; the protocol's own heartbeat still applies.
        }
    }

    /// <summary>Connects to host:port with the standard options.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                Configure(socket);
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                last = ex;
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Bytes that may wait to be sent, whatever the number of frames: a peer that does not read holds at most this.</summary>
    public long MaxPendingBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Queues a frame (one encoded line) for sending. False when the queue is full (frames or bytes) or closed.</summary>
    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        lock (_outgoing)
        {
            if (IsSendingCompleted || _outgoing.Count >= _maxPendingMessages || _queuedBytes + frame.Length > MaxPendingBytes)
            {
                return false;
            }
            _outgoing.Enqueue(frame);
            _queuedBytes += frame.Length;
            if (_pumping)
            {
                return true;
            }
            _pumping = true;
        }
        // Never write on the caller's thread: a fan-out to thousands of peers only enqueues.
        ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.PumpAsync(), this, preferLocal: false);
        return true;
    }

    /// <summary>Encodes and queues a message.</summary>
    public bool TrySend(Message message) => TrySend(MessageCodec.Encode(message));

    /// <summary>No more frames will be queued; <see cref="RunSendLoopAsync"/> ends once the queue is written out.</summary>
    public void CompleteSending()
    {
        bool idle;
        lock (_outgoing)
        {
            IsSendingCompleted = true;
            idle = !_pumping;
        }
        if (idle)
        {
            SendingEnded(null);
        }
    }

    /// <summary>True once the connection is closing: a failed send then means nothing about the peer's speed.</summary>
    public bool IsSendingCompleted { get; private set; }

    /// <summary>Closes the socket at once, ending both loops. Safe to call from any thread, any number of times.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            CompleteSending();
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Completes when sending is completed and everything queued is written; fails with the write error if the
    /// connection breaks. Cancelling stops the wait, not the writing (closing the connection stops that).
    /// </summary>
    public Task RunSendLoopAsync(CancellationToken cancellationToken)
    {
        var sent = Volatile.Read(ref _sent)
            ?? Interlocked.CompareExchange(ref _sent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null)
            ?? _sent!;
        if (Volatile.Read(ref _sendEnded) != 0)
        {
            Complete(sent);
        }
        return cancellationToken.CanBeCanceled ? sent.Task.WaitAsync(cancellationToken) : sent.Task;
    }

    /// <summary>Sending has ended, for good: tells whoever waits or observes, once.</summary>
    private void SendingEnded(Exception? error)
    {
        if (error is not null)
        {
            _sendError = error;
        }
        if (Interlocked.Exchange(ref _sendEnded, 1) != 0)
        {
            return;
        }
        if (Volatile.Read(ref _sent) is { } sent)
        {
            Complete(sent);
        }
        SendObserver?.SendEnded(error);
    }

    private void Complete(TaskCompletionSource sent)
    {
        if (_sendError is { } error)
        {
            sent.TrySetException(error);
        }
        else
        {
            sent.TrySetResult();
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

    /// <summary>Writes whatever is queued, many frames per write, until the queue is empty; then it ends.</summary>
    private async Task PumpAsync()
    {
        byte[]? buffer = null;
        var writes = 0;
        try
        {
            while (true)
            {
                var length = 0;
                ReadOnlyMemory<byte> large = default;
                lock (_outgoing)
                {
                    if (_outgoing.Count == 0)
                    {
                        _pumping = false;
                        break;
                    }
                    if (_outgoing.Peek().Length > CoalesceBytes)
                    {
                        large = _outgoing.Dequeue();
                        _queuedBytes -= large.Length;
                    }
                    else
                    {
                        buffer ??= ArrayPool<byte>.Shared.Rent(CoalesceBytes);
                        while (_outgoing.TryPeek(out var frame) && frame.Length <= buffer.Length - length)
                        {
                            frame.Span.CopyTo(buffer.AsSpan(length));
                            length += frame.Length;
                            _queuedBytes -= frame.Length;
                            _outgoing.Dequeue();
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
            lock (_outgoing)
            {
                done = IsSendingCompleted && !_pumping;
            }
            if (done)
            {
                SendingEnded(null);
            }
        }
        catch (Exception ex)
        {
            lock (_outgoing)
            {
                IsSendingCompleted = true; // the connection is broken: refuse further frames
                _outgoing.Clear();
                _queuedBytes = 0;
                _pumping = false;
            }
            SendingEnded(ex);
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
    /// Yields each complete line. A line is valid only until the next one is requested.
    /// Ends at end of stream (an unterminated last line is dropped); throws <see cref="LineTooLongException"/>.
    /// Built from <see cref="TryReadLine"/>, <see cref="WaitForDataAsync"/>, <see cref="ReceiveAsync(CancellationToken)"/>
    /// and <see cref="Received"/>, which the server's sessions use directly to save the iterator's memory.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlySequence<byte>> ReadLinesAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var handled = 0;
        try
        {
            while (true)
            {
                while (TryReadLine(out var line))
                {
                    yield return line;
                    if (++handled % LinesPerYield == 0)
                    {
                        await Task.Yield();
                    }
                }
                await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
                if (!Received(await ReceiveAsync(cancellationToken).ConfigureAwait(false)))
                {
                    yield break;
                }
            }
        }
        finally
        {
            ReturnReadBuffer();
        }
    }

    /// <summary>
    /// Takes the next complete line from what has been received, if there is one. The line is valid until the next
    /// call. Throws <see cref="LineTooLongException"/> as soon as a line passes the limit, before it is complete.
    /// </summary>
    public bool TryReadLine(out ReadOnlySequence<byte> line)
    {
        if (_readBuffer is null)
        {
            line = default;
            return false;
        }
        var buffer = new ReadOnlySequence<byte>(_readBuffer, _readStart, _readEnd - _readStart);
        switch (_framer.TryReadLine(ref buffer, out line))
        {
            case FrameStatus.Line:
                _readStart = _readEnd - (int)buffer.Length;
                return true;
            case FrameStatus.TooLong:
                throw new LineTooLongException(_framer.MaxLineBytes);
            default:
                if (_readStart == _readEnd)
                {
                    ReturnReadBuffer(); // nothing partial left: an idle connection holds no buffer
                }
                return false;
        }
    }

    /// <summary>
    /// Completes when the peer has sent something or closed. With no partial line waiting this is a zero-byte read,
    /// which holds no buffer however long the connection stays idle.
    /// </summary>
    public ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) =>
        _readBuffer is null ? ReceiveAsync(Memory<byte>.Empty, cancellationToken) : new ValueTask<int>(0);

    /// <summary>Reads what has arrived after whatever partial line is waiting; pass the count to <see cref="Received"/>.</summary>
    public ValueTask<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_readBuffer is null)
        {
            _readBuffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        }
        else if (_readEnd == _readBuffer.Length)
        {
            MakeRoom();
        }
        return ReceiveAsync(_readBuffer.AsMemory(_readEnd), cancellationToken);
    }

    /// <summary>Accounts for <paramref name="count"/> bytes read; false at end of stream.</summary>
    public bool Received(int count)
    {
        if (count == 0)
        {
            ReturnReadBuffer();
            return false;
        }
        _readEnd += count;
        return true;
    }

    private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream?.ReadAsync(buffer, cancellationToken) ?? _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>The buffer is full: move the partial line to its start, or to a larger buffer if it fills it.</summary>
    private void MakeRoom()
    {
        var pending = _readEnd - _readStart;
        var buffer = _readBuffer!;
        if (_readStart > 0)
        {
            Buffer.BlockCopy(buffer, _readStart, buffer, 0, pending);
        }
        else
        {
            // The framer refuses a line once more than the limit (plus "\r\n") is buffered, so this stays bounded.
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, _framer.MaxLineBytes + 2L));
            Buffer.BlockCopy(buffer, 0, larger, 0, pending);
            ArrayPool<byte>.Shared.Return(buffer);
            _readBuffer = larger;
        }
        _readStart = 0;
        _readEnd = pending;
    }

    private void ReturnReadBuffer()
    {
        if (_readBuffer is { } buffer)
        {
            _readBuffer = null;
            _readStart = _readEnd = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort(); // whatever was unsent is lost with the connection, by design
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
