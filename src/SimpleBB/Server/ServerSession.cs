using System.Buffers;
using System.Net.Sockets;
using Serilog;
using SimpleBB.Hosting;
using SimpleBB.Protocol;
using SimpleBB.Store;

namespace SimpleBB.Server;

/// <summary>
/// One connected peer: a receive loop that decodes and answers its lines, and the connection's send loop.
/// Everything a peer sends is checked here; a bad line is answered with an error and either tolerated or,
/// for a protocol violation, ends this connection only.
/// </summary>
internal sealed class ServerSession : ISendObserver, IPeer
{
    /// <summary>Rejections logged per connection before the rest are only counted, so a flood cannot flood the log.</summary>
    private const int LoggedRejections = 10;

    /// <summary>Builds one suggest connection may wait for (each costs a table entry until it closes).</summary>
    private const int MaxWaits = 10_000;

    private readonly SessionContext _context;
    /// <summary>How long a dropped peer has to read its error before the connection is cut regardless.</summary>
    private static readonly TimeSpan DropGrace = TimeSpan.FromSeconds(2);

    /// <summary>Created on first use (see <see cref="SessionRareState"/>); read with <see cref="Volatile"/>, created with <see cref="Rare"/>.</summary>
    private SessionRareState? _rare;

    public ServerSession(SessionContext context, LineConnection connection)
    {
        _context = context;
        Connection = connection;
        connection.SendObserver = this;
        ConnectedAt = LastReceived = Environment.TickCount64;
    }

    public LineConnection Connection { get; }

    /// <summary>The peer's address and port (the connection's; not copied, to keep the session small).</summary>
    public string Address => Connection.RemoteAddress;

    /// <summary>Set by hello; null until then.</summary>
    public string? Role { get; private set; }

    public string? Name { get; private set; }

    /// <inheritdoc />
    public int Protocol { get; private set; }

    public long ConnectedAt { get; }

    /// <summary>Tick count of the last line received (any line counts as a sign of life).</summary>
    public long LastReceived { get; private set; }

    public long LastPing { get; set; }

    /// <summary>For logs: "builder b1 (127.0.0.1:5000)" or just the address before hello.</summary>
    public string Peer => Name is null ? Address : $"{Role} {Name} ({Address})";

    /// <summary>The rare state, created on first use; safe from any thread.</summary>
    private SessionRareState Rare =>
        Volatile.Read(ref _rare) ?? Interlocked.CompareExchange(ref _rare, new SessionRareState(), null) ?? _rare!;

    /// <summary>Why the server ended the connection, if it did (without creating the rare state).</summary>
    private string? DropReason => Volatile.Read(ref _rare)?.DropReason;

    public async Task RunAsync(CancellationToken stopping)
    {
        // Memory per connection is what limits a server with 10,000 builders, so this loop reads directly (no
        // iterator), and its reads take no cancellation token (no registration per connection): it ends when the peer
        // closes or when the socket is aborted (by Drop, Shutdown, or a failed send).
        string? reason = null;
        try
        {
            var handled = 0;
            var open = true;
            while (open)
            {
                while (Connection.Reader.TryReadLine(out var line))
                {
                    LastReceived = Environment.TickCount64;
                    if (!await HandleAsync(line, stopping).ConfigureAwait(false))
                    {
                        open = false;
                        break;
                    }
                    if (++handled % LineReader.LinesPerYield == 0)
                    {
                        // Lines already received are handled synchronously, so a peer that keeps the buffer full would keep this
                        // thread for good; with many such peers the thread pool starves and the server stops answering.
                        await Task.Yield();
                    }
                }
                if (open)
                {
                    await Connection.Reader.WaitForDataAsync(CancellationToken.None).ConfigureAwait(false);
                    open = Connection.Reader.Received(await Connection.Reader.ReceiveAsync(CancellationToken.None).ConfigureAwait(false));
                }
            }
        }
        catch (LineTooLongException ex)
        {
            Reject(ErrorCodes.LineTooLong, $"a line is longer than {ex.MaxLineBytes} bytes", close: true);
        }
        catch (OperationCanceledException)
        {
            // Closing on purpose: shutdown, a drop or a violation already logged.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = ex.InnerException?.Message ?? ex.Message;
        }
        catch (Exception ex)
        {
            // A bug must cost this connection only, never the server: log it loudly and clean up as usual.
            _context.Log.Error(ex, "Unexpected failure serving {Peer}; closing the connection", Peer);
            reason = "internal error";
        }

        await CloseAsync(reason).ConfigureAwait(false);
    }

    /// <summary>
    /// After the read loop: lets the queue drain (for a while), closes the connection and unregisters. A method of its own
    /// so that its state is not part of the read loop's, which every idle connection keeps for as long as it is open.
    /// </summary>
    private async Task CloseAsync(string? reason)
    {
        try
        {
            if (Volatile.Read(ref _rare)?.WaitingFor is { } waitingFor)
            {
                _context.Registry.ForgetWaiter(waitingFor);
            }
            if (Role == Roles.Builder && Name is not null)
            {
                _context.Recorder.Outputs?.ConnectionLost(Name);
            }
            if (Volatile.Read(ref _rare) is { } rare && Interlocked.Read(ref rare.OutputMissed) is > 0 and var missed)
            {
                _context.Log.Information("{Peer} missed {Count} chunk(s) of live output in all", Peer, missed);
            }
            Connection.CompleteSending();
            await Connection.Outgoing.WaitForSendingToEndAsync(CancellationToken.None).WaitAsync(DropGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _context.Log.Error(ex, "Unexpected failure closing {Peer}", Peer);
        }
        try
        {
            // Whatever happened above, the builder must not stay registered on a dead connection.
            var ended = Volatile.Read(ref _rare);
            _context.Closed(this, ended?.DropReason ?? ended?.SendFailure ?? reason ?? "connection closed by the peer");
        }
        catch (Exception ex)
        {
            _context.Log.Error(ex, "Unexpected failure unregistering {Peer}", Peer);
        }
    }

    /// <summary>Sending has ended (closing, dropped, or the write failed): end the read loop too.</summary>
    void ISendObserver.SendEnded(Exception? error)
    {
        if (error is not null)
        {
            Rare.SendFailure = error.InnerException?.Message ?? error.Message;
        }
        Connection.Abort();
    }

    public bool TrySend(ReadOnlyMemory<byte> frame) => Connection.TrySend(frame);

    public bool TrySendOptional(ReadOnlyMemory<byte> frame)
    {
        if (Connection.TrySendOptional(frame))
        {
            return true;
        }
        if (Interlocked.Increment(ref Rare.OutputMissed) == 1 && !Connection.IsSendingCompleted)
        {
            _context.Log.Warning("{Peer} is not reading fast enough: it misses chunks of live output from now on while its queue is half full", Peer);
        }
        return false;
    }

    /// <summary>Queues a message; a peer whose queue is full is dropped rather than allowed to slow anyone.</summary>
    public void Send(Message message)
    {
        if (!Connection.TrySend(message) && DropReason is null && !Connection.IsSendingCompleted)
        {
            Drop(ErrorCodes.SlowConsumer, "outgoing queue full: the peer is not reading");
        }
    }

    /// <summary>Ends the connection at once (slow consumer, dead peer, server cannot record), with a warning.</summary>
    public void Drop(string code, string reason)
    {
        if (Interlocked.CompareExchange(ref Rare.DropReason, reason, null) is not null)
        {
            return;
        }
        _context.Log.Warning("Dropping {Peer}: {Code}: {Reason}", Peer, code, reason);
        Connection.TrySend(new ErrorMessage { Code = code, Message = reason });
        CloseAfterSending();
    }

    /// <summary>The server is stopping: says bye and closes once that is written.</summary>
    public void Shutdown()
    {
        if (Interlocked.CompareExchange(ref Rare.DropReason, "server shutting down", null) is null)
        {
            Connection.TrySend(new Bye { Reason = "server shutting down" });
            CloseAfterSending();
        }
    }

    /// <summary>
    /// The pump writes what is queued and then aborts the connection (see SendEnded), which ends the read loop; a
    /// peer that does not read would keep the pump waiting, so the connection is cut after a grace period regardless.
    /// </summary>
    private void CloseAfterSending()
    {
        Connection.CompleteSending();
        _ = Task.Delay(DropGrace).ContinueWith(static (_, connection) => ((LineConnection)connection!).Abort(), Connection,
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Answers a bad message with an error; returns whether the connection goes on.</summary>
    public bool Reject(string code, string reason, bool close, string? id = null)
    {
        var count = Interlocked.Increment(ref Rare.Rejections);
        if (count <= LoggedRejections)
        {
            _context.Log.Warning("Rejected message from {Peer}: {Code}: {Reason}{Closing}", Peer, code, reason,
                close ? "; closing the connection" : "");
        }
        else if (count == LoggedRejections + 1)
        {
            _context.Log.Warning("More than {Count} rejected messages from {Peer}; not logging the rest", LoggedRejections, Peer);
        }
        Connection.TrySend(new ErrorMessage { Code = code, Message = reason, Id = id });
        return !close;
    }

    private ValueTask<bool> HandleAsync(in ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        var decoded = MessageCodec.Decode(line);
        if (decoded.Message is not { } message)
        {
            // Every rule is checked there, once (Message.Validate); before hello any bad line ends the connection.
            return new(Reject(decoded.ErrorCode!, decoded.Reason!, close: Role is null, id: decoded.Id));
        }
        if (Role is null)
        {
            return message is Hello hello
                ? OnHelloAsync(hello, cancellationToken)
                : new(Reject(ErrorCodes.HelloRequired, $"the first message must be hello, not \"{message.Type}\"", close: true));
        }
        switch (message)
        {
            case Hello:
                return new(Reject(ErrorCodes.DuplicateHello, "hello was already received on this connection", close: true));
            case Ping:
                Send(Pong.Instance);
                return new(true);
            case Pong:
                return new(true);
            case ErrorMessage error:
                _context.Log.Warning("{Peer} reports an error: {Code}: {Reason}{Build}", Peer, Names.Printable(error.Code), Names.Printable(error.Message),
                    error.Id is null ? "" : $" [build {Names.Printable(error.Id)}]");
                if (Role == Roles.Builder && error.Id is not null && _context.Registry.Complete(Name!, error.Id))
                {
                    // The builder refused that build: it will not report it, so a waiting suggester hears it now.
                    _context.Registry.AnswerFor(error.Id, Name!)?.Send(new LostMessage
                    {
                        Id = error.Id, Builder = Name!, Reason = $"the builder refused the build: {Names.Printable(error.Code)}: {Names.Printable(error.Message)}",
                    });
                }
                return new(true);
            case SuggestMessage suggest when Role == Roles.Suggest:
                return new(OnSuggest(suggest));
            case CancelMessage cancel when Role == Roles.Suggest && Protocol >= ProtocolLimits.WatchAndStopVersion:
                return new(OnCancel(cancel));
            case StartedMessage started when Role == Roles.Builder:
                if (_context.Registry.MarkStarted(Name!, started.Id) is { } build)
                {
                    _context.Events.Publish(new EventMessage
                    {
                        Kind = "started", Time = DateTimeOffset.Now, Builder = Name, Id = build.Id, Project = build.Project, Revision = build.Revision,
                    });
                }
                return new(true);
            case ScriptsMessage scripts when Role == Roles.Builder:
                _context.Registry.SetScripts(Name!, scripts.Scripts.Select(s => s.Name));
                return new(true);
            case StatusRequest when Role == Roles.Status && Volatile.Read(ref _rare)?.SnapshotSent == true:
                return new(Reject(ErrorCodes.NotAllowed, "one status request per connection", close: false));
            case StatusRequest request when Role == Roles.Status:
                Rare.SnapshotSent = true;
                if (request.AsksForLast && Protocol >= ProtocolLimits.StatusQueryVersion)
                {
                    return OnLastResultsAsync(request, cancellationToken);
                }
                SendSnapshot(request, _context.Latest.All());
                return new(true);
            case ResultMessage result when Role == Roles.Builder:
                return OnResultAsync(result, cancellationToken);
            case OutputMessage output when Role == Roles.Builder:
                return new(OnOutput(output));
            default:
                return new(Reject(ErrorCodes.NotAllowed, $"a {Role} may not send \"{message.Type}\"", close: false));
        }
    }

    /// <summary>The snapshot with <paramref name="results"/>; then, with follow, every event after it.</summary>
    private void SendSnapshot(StatusRequest request, RecordedResult[] results)
    {
        Send(new Snapshot { Builders = _context.Registry.Snapshot(), Results = results, RecordingPaused = _context.Recorder.PausedReason });
        if (request.Follow)
        {
            _context.Events.Follow(this, request.Output);
        }
    }

    /// <summary>
    /// A status request for the last results of a project and/or builder (protocol 4): they come from the results store,
    /// which holds every result, not only the latest per revision kept in memory. The read is an indexed one on a
    /// read-only connection of its own, but it is still file I/O, and no other handler of a session touches the store:
    /// it runs on the thread pool, so the threads that serve the sessions only ever wait for the network.
    /// </summary>
    private async ValueTask<bool> OnLastResultsAsync(StatusRequest request, CancellationToken cancellationToken)
    {
        var store = _context.Recorder.Store;
        var (project, builder, last) = (request.Project, request.Builder, request.LastOrDefault);
        IReadOnlyList<StoredResult> rows;
        try
        {
            rows = await Task.Run(() => store.NewestMatching(project, builder, last), cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            // A damaged or unreadable database must cost this request only: the client hears why, the server goes on.
            _context.Log.Warning(ex, "Cannot read the last {Count} results of project {Project} on builder {Builder} for {Peer}", last, project ?? "(any)",
                builder ?? "(any)", Peer);
            Send(new ErrorMessage { Code = ErrorCodes.Unavailable, Message = $"the results store cannot be read now: {ex.Message}" });
            return true;
        }
        SendSnapshot(request, [.. rows.Select(r => r.ToStatus(withOutput: false))]);
        return true;
    }

    private async ValueTask<bool> OnHelloAsync(Hello hello, CancellationToken cancellationToken)
    {
        // Negotiation: the highest version both sides speak. An older peer keeps working with a newer server (it
        // sends no maxProtocol), and a newer peer with an older server (its protocol, the lowest it speaks, is 1).
        var lowest = Math.Max(hello.Protocol, ProtocolLimits.MinVersion);
        var chosen = Math.Min(hello.MaxProtocol ?? hello.Protocol, ProtocolLimits.Version);
        if (chosen < lowest)
        {
            return Reject(ErrorCodes.UnsupportedProtocol,
                $"this server speaks protocol {ProtocolLimits.MinVersion} to {ProtocolLimits.Version}; the client speaks {hello.Protocol} to {hello.MaxProtocol ?? hello.Protocol}",
                close: true);
        }

        if (_context.Tokens is { } tokens)
        {
            var delay = _context.Throttle.DelayFor(Connection.RemoteIp);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            if (!tokens.Matches(hello.Token))
            {
                _context.Throttle.RecordFailure(Connection.RemoteIp);
                return Reject(ErrorCodes.Unauthorized, hello.Token is null
                    ? "this server requires a token: copy ~/.simplebb/token from the server, or set SIMPLEBB_TOKEN"
                    : "wrong token", close: true);
            }
        }

        Role = hello.Role;
        Name = hello.Name;
        Protocol = chosen;
        Send(new Welcome
        {
            Server = _context.Options.Name,
            Version = ProductInfo.Version,
            Protocol = chosen,
            HeartbeatSeconds = (int)Math.Ceiling(_context.Options.HeartbeatInterval.TotalSeconds),
        });
        if (Role == Roles.Builder)
        {
            var replaced = _context.Registry.Register(Name, this, hello);
            _context.Log.Information("Builder {Builder} connected from {Address} (version {Version}, protocol {Protocol}, {Scripts} script(s))", Name, Address, hello.Version, chosen,
                hello.Scripts?.Length ?? 0);
            _context.Events.Publish(new EventMessage { Kind = "connected", Time = DateTimeOffset.Now, Builder = Name, Address = Address });
            replaced?.Drop(ErrorCodes.Replaced, $"builder {Name} connected again from {Address}");
        }
        return true;
    }

    private bool OnSuggest(SuggestMessage suggest)
    {
        if (_context.Recorder.PausedReason is { } paused)
        {
            // Builders would build it, but their results could not be recorded: say so rather than send it.
            return Reject(ErrorCodes.CannotRecord, $"the server cannot record results: {paused}; no build was sent", close: false);
        }
        if (suggest.Wait && (Rare.WaitingFor ??= []).Count >= MaxWaits)
        {
            return Reject(ErrorCodes.Unavailable, $"at most {MaxWaits} waiting suggestions per connection", close: false);
        }
        var (id, builders, withScript, _) = _context.Registry.Dispatch(suggest.Project, suggest.Revision, suggest.Wait ? this : null, suggest.Output,
            (id, builders, withScript) =>
            {
                // Stored (or queued to be) before anyone hears of it: a page that reloads on the event finds the build.
                _context.Recorder.BuildSuggested(id, suggest.Project, suggest.Revision, Address, builders);
                _context.Events.Publish(new EventMessage
                {
                    Kind = "suggested", Time = DateTimeOffset.Now, Id = id, Project = suggest.Project, Revision = suggest.Revision,
                    Detail = $"sent to {builders} builder(s), {withScript} with a script",
                });
            });
        Volatile.Read(ref _rare)?.WaitingFor?.Add(id);
        _context.Log.Information("Build {Project}/{Revision} suggested by {Client} ({Address}), sent to {Builders} builder(s) [build {BuildId}]",
            suggest.Project, suggest.Revision, Name, Address, builders, id);
        if (!suggest.Wait)
        {
            Send(new Accepted { Id = id, Project = suggest.Project, Revision = suggest.Revision, Builders = builders, WithScript = withScript });
        }
        return true;
    }

    /// <summary>
    /// A chunk of a running build's live output: appended to the build's output file, then forwarded to the waiting
    /// suggester and the status followers that asked for output. Forwarding only queues, and only in the half of a
    /// queue that is free, so a slow reader loses chunks rather than slowing the builder or growing the server.
    /// </summary>
    private bool OnOutput(OutputMessage output)
    {
        if (Protocol < ProtocolLimits.WatchAndStopVersion)
        {
            return Reject(ErrorCodes.NotAllowed, $"output needs protocol {ProtocolLimits.WatchAndStopVersion}; this connection chose {Protocol}", close: false);
        }
        if (output.Builder is not null)
        {
            return Reject(ErrorCodes.BadMessage, "output: builder is set only by the server, when it forwards output", close: false);
        }
        var (build, waiter) = _context.Registry.OutputTarget(Name!, output.Id);
        if (build is null)
        {
            // Not unknown-build: a builder takes that, with an id, as the final refusal of a result.
            return Reject(ErrorCodes.NotAllowed, $"output: build {output.Id} is not running on builder {Name} (unknown, or already reported); output dropped",
                close: false, id: output.Id);
        }
        _context.Recorder.Outputs?.Append(build.Project, build.Id, Name!, output.Data, output.Skipped ?? 0);
        ReadOnlyMemory<byte> frame = MessageCodec.Encode(output with { Builder = Name });
        waiter?.TrySendOptional(frame);
        _context.Events.PublishOutput(frame);
        return true;
    }

    /// <summary>
    /// A suggest client (a token holder, like anyone who may suggest) asks to cancel a build: the server tells the
    /// builders that owe it and answers with their names, or with an error when there is nobody to tell.
    /// </summary>
    private bool OnCancel(CancelMessage cancel)
    {
        var (sent, unable, code, error) = _context.Registry.Cancel(cancel.Id, cancel.Builder);
        if (code is not null)
        {
            _context.Log.Information("Cancel of build {BuildId} asked by {Client} ({Address}) refused: {Code}: {Reason}", cancel.Id, Name, Address, code, error);
            Send(new ErrorMessage { Code = code, Message = error!, Id = cancel.Id });
            return true;
        }
        _context.Log.Information("Cancel of build {BuildId} asked by {Client} ({Address}): sent to {Builders}{Unable}", cancel.Id, Name, Address,
            string.Join(", ", sent), unable.Length == 0 ? "" : $"; cannot cancel on {string.Join(", ", unable)} (protocol 2 or older)");
        Send(new CancellingMessage { Id = cancel.Id, Builders = sent, Unable = unable.Length == 0 ? null : unable });
        return true;
    }

    private async ValueTask<bool> OnResultAsync(ResultMessage result, CancellationToken cancellationToken)
    {
        if (result.Builder is not null)
        {
            return Reject(ErrorCodes.BadMessage, "result: builder is set only by the server, when it forwards a result", close: false, id: result.Id);
        }
        await _context.Recorder.EnqueueAsync(this, result, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
