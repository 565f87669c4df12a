using System.Net;
using System.Net.Sockets;

namespace SimpleBB.Protocol;

/// <summary>
/// One connection under every peer, server side and client side: it owns the socket (and TLS stream) and closing
/// them, and pairs a <see cref="LineReader"/> (lines in) with an <see cref="OutgoingQueue"/> (frames out). It knows
/// nothing about message types.
/// </summary>
public sealed class LineConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    /// <summary>TLS over the socket; null for plain TCP.</summary>
    private readonly Stream? _stream;
    private int _aborted;

    /// <summary>A plain TCP connection; the socket is made non-blocking (see <see cref="OutgoingQueue"/>).</summary>
    public LineConnection(Socket socket, int maxLineBytes, int maxPendingMessages)
        : this(socket, null, maxLineBytes, maxPendingMessages)
    {
    }

    /// <param name="socket">The connected socket (closed by <see cref="Abort"/>).</param>
    /// <param name="stream">TLS over the socket, or null to use the socket directly.</param>
    /// <param name="maxLineBytes">Longest line accepted from the peer.</param>
    /// <param name="maxPendingMessages">Frames that may wait to be sent before <see cref="TrySend(ReadOnlyMemory{byte})"/> fails.</param>
    public LineConnection(Socket socket, Stream? stream, int maxLineBytes, int maxPendingMessages)
    {
        _socket = socket;
        _stream = stream;
        RemoteAddress = socket.RemoteEndPoint?.ToString() ?? "unknown";
        RemoteIp = (socket.RemoteEndPoint as IPEndPoint)?.Address;
        Reader = new LineReader(socket, stream, maxLineBytes);
        Outgoing = new OutgoingQueue(socket, stream, maxPendingMessages);
    }

    /// <summary>Lines from the peer.</summary>
    public LineReader Reader { get; }

    /// <summary>Frames to the peer.</summary>
    public OutgoingQueue Outgoing { get; }

    /// <summary>The peer's address and port, for logs.</summary>
    public string RemoteAddress { get; }

    /// <summary>The peer's IP address (for throttling failed logins), when known.</summary>
    public IPAddress? RemoteIp { get; }

    /// <summary>Told once when sending has ended; see <see cref="OutgoingQueue.SendObserver"/>.</summary>
    public ISendObserver? SendObserver
    {
        get => Outgoing.SendObserver;
        set => Outgoing.SendObserver = value;
    }

    /// <summary>True once the connection is closing; see <see cref="OutgoingQueue.IsSendingCompleted"/>.</summary>
    public bool IsSendingCompleted => Outgoing.IsSendingCompleted;

    /// <summary>Queues a frame (one encoded line); false when the queue is full or closed.</summary>
    public bool TrySend(ReadOnlyMemory<byte> frame) => Outgoing.TrySend(frame);

    /// <summary>Queues a frame the peer can do without; see <see cref="OutgoingQueue.TrySendOptional"/>.</summary>
    public bool TrySendOptional(ReadOnlyMemory<byte> frame) => Outgoing.TrySendOptional(frame);

    /// <summary>Encodes and queues a message; false when the queue is full or closed.</summary>
    public bool TrySend(Message message) => Outgoing.TrySend(MessageCodec.Encode(message));

    /// <summary>No more frames will be queued; sending ends once the queue is written out.</summary>
    public void CompleteSending() => Outgoing.CompleteSending();

    /// <summary>Closes the socket at once, ending reading and sending. Safe to call from any thread, any number of times.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            Outgoing.CompleteSending();
            _socket.Dispose();
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
