using System.Buffers;
using System.Net.Sockets;
using Serilog;

namespace SimpleBB.Protocol;

/// <summary>
/// The client side of a connection, shared by the builder, simplebb-suggest, simplebb-status and the benchmark so they
/// all follow the same rules: connect (TCP, then TLS when asked), send <c>hello</c>, wait for <c>welcome</c> or
/// <c>error</c> within a deadline, answer every <c>ping</c>, ignore <c>pong</c>, and skip (logging at debug) any message
/// type this version does not know, so a newer server can add messages without breaking older clients. Everything
/// else is handed to the caller in order; whatever ends the exchange is a typed <see cref="ProtocolClientException"/>.
/// Once welcomed it keeps the connection honest both ways (docs/protocol.md §2.3): it pings a server that has been
/// quiet for the heartbeat interval and drops one that stays silent for three, so a follower or a waiting suggester
/// learns of a server that vanished without closing (a pulled cable, a suspended machine) instead of waiting forever.
/// Reading is pull-based (<see cref="ReceiveAsync"/>), one reader at a time; sending may happen from any thread.
/// </summary>
public sealed class ProtocolClient : IAsyncDisposable, ISendObserver
{
    private static readonly ReadOnlyMemory<byte> PongFrame = MessageCodec.Encode(Pong.Instance);
    private static readonly ReadOnlyMemory<byte> PingFrame = MessageCodec.Encode(Ping.Instance);

    /// <summary>The interval used when the server's welcome names none (docs/protocol.md §2.3).</summary>
    private static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(15);

    private readonly LineConnection _connection;
    private readonly ILogger _log;
    private readonly string _server;
    private Welcome? _welcome;
    private bool _answered;
    private int _linesInARow;
    private readonly CancellationTokenSource _closing = new();
    private Task _heartbeat = Task.CompletedTask;
    private volatile string? _silence;

    private ProtocolClient(LineConnection connection, string server, ILogger? log)
    {
        _connection = connection;
        _server = server;
        _log = log ?? Serilog.Core.Logger.None;
        // A failed write means the connection is gone: close it so that the reader learns it at once.
        connection.SendObserver = this;
    }

    /// <summary>The server's welcome: its name, version, the protocol version and heartbeat it chose.</summary>
    public Welcome Welcome => _welcome ?? throw new InvalidOperationException("not welcomed yet");

    /// <summary>Tick count (<see cref="Environment.TickCount64"/>) of the last line from the server, for heartbeats.</summary>
    public long LastReceived { get; private set; } = Environment.TickCount64;

    /// <summary>
    /// Connects, sends <paramref name="hello"/> and then <paramref name="pipelined"/> (without waiting, as docs/protocol.md
    /// §2.1 allows), and returns once the server has welcomed this client.
    /// </summary>
    /// <exception cref="ServerUnreachableException">No connection within <see cref="ProtocolClientOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed.</exception>
    /// <exception cref="ServerRefusedException">The server answered hello with an error.</exception>
    /// <exception cref="TimeoutException">No answer to hello within <see cref="ProtocolClientOptions.WelcomeTimeout"/>.</exception>
    /// <exception cref="ServerClosedException">The server said bye or closed the connection before welcoming.</exception>
    /// <exception cref="BadServerMessageException">The server sent something other than welcome or error.</exception>
    public static async Task<ProtocolClient> ConnectAsync(ProtocolClientOptions options, Hello hello, IEnumerable<Message> pipelined,
        ILogger? log, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var client = new ProtocolClient(connection, options.Server, log);
        try
        {
            client.TrySend(hello);
            foreach (var message in pipelined)
            {
                client.TrySend(message);
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.WelcomeTimeout);
            try
            {
                client._welcome = await client.ReadMessageAsync(deadline.Token).ConfigureAwait(false) switch
                {
                    Welcome welcome => welcome,
                    ErrorMessage error => throw new ServerRefusedException(error.Code, error.Message),
                    var other => throw new BadServerMessageException(ErrorCodes.NotAllowed,
                        $"expected welcome or error in answer to hello, got {other.Type}", null, canContinue: false),
                };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no welcome from {options.Server} within {options.WelcomeTimeout.TotalSeconds:0.#} s");
            }
            client._heartbeat = client.KeepAliveAsync(client._welcome.HeartbeatSeconds > 0
                ? TimeSpan.FromSeconds(client._welcome.HeartbeatSeconds) : DefaultHeartbeat);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The next message for the caller, in order: pings are answered and pongs and unknown types skipped on the way.
    /// An <c>error</c> is returned like any answer (after welcome it answers a request). Throws
    /// <see cref="ServerClosedException"/> on bye or close and <see cref="BadServerMessageException"/> for a line it
    /// cannot take; after a violation with <see cref="BadServerMessageException.CanContinue"/> the next call reads on.
    /// </summary>
    public async ValueTask<Message> ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = await ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        _answered = true;
        return message;
    }

    /// <summary>Queues a message; false when the queue is full or the connection is closing.</summary>
    public bool TrySend(Message message) => _connection.TrySend(message);

    /// <summary>
    /// Queues a message the server can do without (live output) only while the queue is at most half full, so it never
    /// crowds out a result; false when it was not queued.
    /// </summary>
    public bool TrySendOptional(Message message) => _connection.TrySendOptional(MessageCodec.Encode(message));

    /// <summary>Queues an encoded line (ending with a newline); false when the queue is full or the connection is closing.</summary>
    public bool TrySend(ReadOnlyMemory<byte> frame) => _connection.TrySend(frame);

    /// <summary>Sends nothing more and waits up to <paramref name="grace"/> for what is queued to be written (a polite close).</summary>
    public async Task CloseAsync(TimeSpan grace)
    {
        _connection.CompleteSending();
        await _connection.Outgoing.WaitForSendingToEndAsync(CancellationToken.None).WaitAsync(grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection at once; whatever is unsent is dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_closing.IsCancellationRequested)
        {
            await _closing.CancelAsync().ConfigureAwait(false);
        }
        await _heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Pings after <paramref name="interval"/> of silence from the server (at most once per interval); after three
    /// intervals of silence aborts the connection, so that the reader's next call throws <see cref="ServerClosedException"/>
    /// saying so.
    /// </summary>
    private async Task KeepAliveAsync(TimeSpan interval)
    {
        var intervalMs = (long)interval.TotalMilliseconds;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(intervalMs / 10, 50, 1000)));
        var lastPing = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                var silent = now - LastReceived;
                if (silent > 3 * intervalMs)
                {
                    _silence = $"nothing heard from {_server} for {3 * intervalMs / 1000.0:0.#} s";
                    _connection.Abort();
                    return;
                }
                if (silent >= intervalMs && now - lastPing >= intervalMs)
                {
                    lastPing = now;
                    _connection.TrySend(PingFrame);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closed by the caller.
        }
    }

    void ISendObserver.SendEnded(Exception? error)
    {
        if (error is not null)
        {
            _connection.Abort();
        }
    }

    private static async Task<LineConnection> OpenAsync(ProtocolClientOptions options, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        try
        {
            return await Connector.ConnectAsync(options.Host, options.Port, options.Tls, options.MaxLineBytes, options.MaxPendingMessages,
                deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ServerUnreachableException(options.Server, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(options.Server, $"no answer within {options.ConnectTimeout.TotalSeconds:0.#} s", ex);
        }
    }

    /// <summary>The next message that is neither ping, pong nor of an unknown type.</summary>
    private async ValueTask<Message> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!TryReadLine(out var line))
            {
                await ReadMoreAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            LastReceived = Environment.TickCount64;
            var decoded = MessageCodec.Decode(line);
            if (++_linesInARow % LineReader.LinesPerYield == 0)
            {
                // Lines already buffered are handed out synchronously, so a server that keeps the buffer full would keep
                // this thread forever; on a busy thread pool that starves everything else. Give the thread back now and then.
                await Task.Yield();
            }
            switch (decoded.Message)
            {
                case null when decoded.ErrorCode == ErrorCodes.UnknownType:
                    _log.Debug("Ignored a message from server {Server}: {Reason}", _server, decoded.Reason);
                    continue;
                case null:
                    throw new BadServerMessageException(decoded.ErrorCode!, decoded.Reason!, decoded.Id, canContinue: true);
                case Ping:
                    _connection.TrySend(PongFrame);
                    continue;
                case Pong:
                    continue;
                case Bye bye:
                    throw Closed($"the server is going away ({Names.Printable(bye.Reason)})");
                default:
                    return decoded.Message;
            }
        }
    }

    private bool TryReadLine(out ReadOnlySequence<byte> line)
    {
        try
        {
            return _connection.Reader.TryReadLine(out line);
        }
        catch (LineTooLongException ex)
        {
            throw new BadServerMessageException(ErrorCodes.LineTooLong, $"a line is longer than {ex.MaxLineBytes} bytes", null, canContinue: false);
        }
    }

    /// <summary>Waits for more bytes from the server; throws <see cref="ServerClosedException"/> when there will be none.</summary>
    private async ValueTask ReadMoreAsync(CancellationToken cancellationToken)
    {
        bool open;
        try
        {
            await _connection.Reader.WaitForDataAsync(cancellationToken).ConfigureAwait(false);
            open = _connection.Reader.Received(await _connection.Reader.ReceiveAsync(cancellationToken).ConfigureAwait(false));
            LastReceived = Environment.TickCount64;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw Closed($"connection to {_server} lost: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        if (!open)
        {
            throw Closed("the server closed the connection");
        }
    }

    private ServerClosedException Closed(string message, Exception? inner = null) =>
        new(_silence ?? message, _welcome is not null, _answered, inner);
}
