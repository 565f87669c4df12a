using System.Buffers;
using System.Net.Sockets;

namespace SimpleBB.Protocol;

/// <summary>
/// Reads newline-framed lines from a connection, pull-based: <see cref="TryReadLine"/> until it says false, then
/// <see cref="WaitForDataAsync"/>, <see cref="ReceiveAsync(CancellationToken)"/> and <see cref="Received"/>, and again. The calls are
/// separate (no iterator, no async method of its own) so that an idle connection holds nothing but the socket's
/// own pending zero-byte read: memory per connection is what limits a server with 10,000 builders. A buffer is rented
/// from the pool only while a partial line waits, and returned as soon as none does. One reader at a time.
/// </summary>
public sealed class LineReader
{
    /// <summary>
    /// Lines a read loop handles back to back before it yields its thread. Reads of data that is already buffered
    /// complete synchronously, so a loop fed by a busy peer never gives its thread back; with many such loops the
    /// thread pool starves (here it once grew to 300 threads and the process stopped answering for minutes).
    /// </summary>
    public const int LinesPerYield = 64;

    /// <summary>Bytes read at a time; a longer partial line moves to a larger buffer, up to the line limit.</summary>
    private const int ReadBufferBytes = 4096;

    private readonly Socket _socket;

    /// <summary>TLS over the socket; null for plain TCP, which reads the socket directly.</summary>
    private readonly Stream? _stream;
    private LineFramer _framer;

    /// <summary>Holds a partial line between reads; null (returned to the pool) whenever no partial line is waiting.</summary>
    private byte[]? _buffer;
    private int _start;
    private int _end;

    /// <param name="socket">The connected socket.</param>
    /// <param name="stream">TLS over the socket, or null to read the socket directly.</param>
    /// <param name="maxLineBytes">Longest line accepted from the peer.</param>
    public LineReader(Socket socket, Stream? stream, int maxLineBytes)
    {
        _socket = socket;
        _stream = stream;
        _framer = new LineFramer(maxLineBytes);
    }

    /// <summary>
    /// Takes the next complete line from what has been received, if there is one. The line is valid until the next
    /// call. Throws <see cref="LineTooLongException"/> as soon as a line passes the limit, before it is complete.
    /// </summary>
    public bool TryReadLine(out ReadOnlySequence<byte> line)
    {
        if (_buffer is null)
        {
            line = default;
            return false;
        }
        var buffer = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        switch (_framer.TryReadLine(ref buffer, out line))
        {
            case FrameStatus.Line:
                _start = _end - (int)buffer.Length;
                return true;
            case FrameStatus.TooLong:
                throw new LineTooLongException(_framer.MaxLineBytes);
            default:
                if (_start == _end)
                {
                    ReturnBuffer(); // nothing partial left: an idle connection holds no buffer
                }
                return false;
        }
    }

    /// <summary>
    /// Completes when the peer has sent something or closed. With no partial line waiting this is a zero-byte read,
    /// which holds no buffer however long the connection stays idle.
    /// </summary>
    public ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) =>
        _buffer is null ? ReceiveAsync(Memory<byte>.Empty, cancellationToken) : new ValueTask<int>(0);

    /// <summary>Reads what has arrived after whatever partial line is waiting; pass the count to <see cref="Received"/>.</summary>
    public ValueTask<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        }
        else if (_end == _buffer.Length)
        {
            MakeRoom();
        }
        return ReceiveAsync(_buffer.AsMemory(_end), cancellationToken);
    }

    /// <summary>Accounts for <paramref name="count"/> bytes read; false at end of stream (an unterminated last line is dropped).</summary>
    public bool Received(int count)
    {
        if (count == 0)
        {
            ReturnBuffer();
            return false;
        }
        _end += count;
        return true;
    }

    private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream?.ReadAsync(buffer, cancellationToken) ?? _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>The buffer is full: move the partial line to its start, or to a larger buffer if it fills it.</summary>
    private void MakeRoom()
    {
        var pending = _end - _start;
        var buffer = _buffer!;
        if (_start > 0)
        {
            Buffer.BlockCopy(buffer, _start, buffer, 0, pending);
        }
        else
        {
            // The framer refuses a line once more than the limit (plus "\r\n") is buffered, so this stays bounded.
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, _framer.MaxLineBytes + 2L));
            Buffer.BlockCopy(buffer, 0, larger, 0, pending);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = larger;
        }
        _start = 0;
        _end = pending;
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _start = _end = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
