using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Serilog;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The server: accepts connections and runs one <see cref="ServerSession"/> per peer. The parts it wires together stand
/// alone: the <see cref="BuildRegistry"/> (who is connected, who owes what), the <see cref="ResultRecorder"/> over the
/// <see cref="Store.ResultStore"/>, the <see cref="EventHub"/> for status followers and the <see cref="HeartbeatMonitor"/>.
/// It knows nothing about projects.
/// </summary>
public sealed class SimpleBbServer : IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<ServerSession, byte> _sessions = new();

    /// <summary>Completed when the server is stopping and the last connection has closed.</summary>
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SessionContext _context;
    private readonly EventHub _events = new();
    private volatile bool _stopping;
    private Socket? _listener;
    private int _open;

    /// <param name="options">Limits and addresses.</param>
    /// <param name="log">The logger that writes to <paramref name="resultLog"/> (and usually the console).</param>
    /// <param name="resultLog">server.log; the results store (simplebb.db) and the output files go in the same folder unless the options say otherwise.</param>
    public SimpleBbServer(ServerOptions options, ILogger log, FileLogSink resultLog)
    {
        Options = options;
        _log = log;
        var folder = Path.GetDirectoryName(resultLog.FilePath) ?? ".";
        Registry = new BuildRegistry(log, new BuildIds(DateTimeOffset.UtcNow), options.MaxOutstandingPerBuilder, options.MaxConnections);
        var latest = new LatestResults(options.MaxLatestResults);
        if (options.OnResult is { } script)
        {
            Hooks = new ResultHooks(log, new HookSettings
            {
                Script = Path.GetFullPath(script),
                Jobs = options.OnResultJobs,
                Timeout = options.OnResultTimeout,
                QueueCapacity = options.OnResultQueue,
                OutputRoot = Path.GetFullPath(options.OutputFolder ?? folder),
                WebBaseUrl = options.WebBaseUrl,
            });
        }
        Recorder = new ResultRecorder(log, options.StoreFile ?? Path.Combine(folder, "simplebb.db"), options.HistoryFile ?? Path.Combine(folder, "history.jsonl"),
            new ServerLogResults(log, resultLog), new OutputFiles(options.OutputFolder ?? folder, log, options.MaxOutputFileBytes),
            Registry, latest, options.MaxLatestResults, _events, options.Recording, Hooks);
        Dashboard = new DashboardState(options.Name, Registry, latest, Recorder, _events, options.OutputFolder ?? folder);
        _context = new SessionContext(options, Registry, Recorder, _events, latest, options.Token is null ? null : new TokenCheck(options.Token),
            new AuthThrottle(), OnClosed, log);
    }

    public ServerOptions Options { get; }

    /// <summary>Read access for the web dashboard.</summary>
    public DashboardState Dashboard { get; }

    internal BuildRegistry Registry { get; }

    internal ResultRecorder Recorder { get; }

    /// <summary>The --on-result runner, or null when no hook is set.</summary>
    internal ResultHooks? Hooks { get; }

    /// <summary>Where the server listens, once started (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    public int ConnectedBuilders => Registry.ConnectedBuilders;

    /// <summary>Drops a builder's connection as if its machine went away (tests).</summary>
    internal Task DisconnectBuilderForTestAsync(string name)
    {
        foreach (var session in _sessions.Keys.Where(s => s.Role == Roles.Builder && s.Name == name))
        {
            session.Drop(ErrorCodes.Unavailable, "disconnected by a test");
        }
        return Task.CompletedTask;
    }

    /// <summary>Suggests a build without a client connection (benchmarks and tests); returns the id and builder count.</summary>
    internal (string Id, int Builders) DispatchForTest(string project, string revision)
    {
        var (id, builders, _, _) = Registry.Dispatch(project, revision, null, false,
            (id, builders, _) => Recorder.BuildSuggested(id, project, revision, "test", builders));
        return (id, builders);
    }

    /// <summary>
    /// Opens the results store, then binds and listens. Throws <see cref="SocketException"/> if the address cannot be
    /// used, <see cref="IOException"/>, <see cref="UnauthorizedAccessException"/> or <see cref="InvalidDataException"/>
    /// if the store cannot be used.
    /// </summary>
    public void Start()
    {
        Recorder.Open();
        var address = IPAddress.Parse(Options.Listen);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(new IPEndPoint(address, Options.Port));
            listener.Listen(4096);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        Recorder.LoadLatest();
        _log.Information("SimpleBB server {Version} listening on {Endpoint}", ProductInfo.Version, LocalEndPoint);
        if (FileLimit.RaiseToHardLimit() is { } files)
        {
            var room = Math.Max(0, files - 64); // log files, listener, runtime
            if (room < Options.MaxConnections)
            {
                _log.Warning("The open-file limit ({Limit}) leaves room for about {Room} connections, fewer than --max-connections {Max}",
                    files, room, Options.MaxConnections);
            }
            else
            {
                _log.Information("Open-file limit {Limit}: room for {Max} connections", files, Options.MaxConnections);
            }
        }
        if (Options.Token is null)
        {
            _log.Warning("Authentication is OFF: anyone who can reach {Endpoint} can suggest builds and report results", LocalEndPoint);
        }
        if (Hooks?.Settings is { } hooks)
        {
            if (!File.Exists(hooks.Script))
            {
                _log.Warning("The result hook {Script} does not exist: every result's hook will fail until it does", hooks.Script);
            }
            else if (OperatingSystem.IsLinux() && (File.GetUnixFileMode(hooks.Script) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            {
                _log.Warning("The result hook {Script} is not executable (chmod +x): every result's hook will fail until it is", hooks.Script);
            }
            else
            {
                _log.Information("Result hook {Script}: up to {Jobs} at once, killed after {Seconds} s", hooks.Script, hooks.Jobs, (int)hooks.Timeout.TotalSeconds);
            }
        }
        if (Options.Certificate is { } certificate)
        {
            _log.Information("TLS on: certificate {Subject}, SHA-256 fingerprint {Fingerprint}", certificate.Subject, ServerCertificate.Fingerprint(certificate));
        }
    }

    /// <summary>Serves until <paramref name="stopping"/> is cancelled, then shuts down cleanly.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var listener = _listener ?? throw new InvalidOperationException("Start() first");
        var recording = Recorder.RunAsync();
        Hooks?.Start();
        var sweeping = new HeartbeatMonitor(() => _sessions.Keys, Options.HeartbeatInterval, Options.HelloTimeout).RunAsync(stopping);
        try
        {
            await AcceptAsync(listener, stopping).ConfigureAwait(false);
        }
        finally
        {
            listener.Dispose();
            _log.Information("Shutting down: closing {Count} connections", _sessions.Count);
            _stopping = true;
            foreach (var session in _sessions.Keys)
            {
                session.Shutdown();
            }
            await AllClosedAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            Recorder.Complete();
            await recording.ConfigureAwait(false);
            if (Hooks is not null)
            {
                await Hooks.StopAsync().ConfigureAwait(false);
            }
            await sweeping.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Recorder.Store.Dispose();
            _log.Information("Server stopped");
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Typically out of file descriptors; back off briefly instead of spinning.
                _log.Warning("Accept failed: {Reason}", ex.Message);
                await Task.Delay(100, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (Volatile.Read(ref _open) >= Options.MaxConnections)
            {
                RefuseFull(socket);
                continue;
            }
            Interlocked.Increment(ref _open);
            SocketSetup.Configure(socket);
            if (Options.Certificate is { } certificate)
            {
                _ = ServeTlsAsync(socket, certificate, stopping);
            }
            else
            {
                Serve(socket, stopping);
            }
        }
    }

    /// <summary>
    /// Starts one plain TCP connection's session on the thread pool (off the accept loop). No async method here: its
    /// state would be allocated for every connection only to be thrown away once the session starts, and whatever a
    /// connection allocates counts in the server's memory per builder.
    /// </summary>
    private void Serve(Socket socket, CancellationToken stopping) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Server.StartSession(state.Socket, null, state.Stopping),
            (Server: this, Socket: socket, Stopping: stopping), preferLocal: false);

    /// <summary>
    /// Starts one TLS connection: the handshake, then its session, which runs on by itself (this method's own state is
    /// gone once the session starts; <see cref="OnClosed"/> does the accounting when it ends).
    /// </summary>
    private async Task ServeTlsAsync(Socket socket, X509Certificate2 certificate, CancellationToken stopping)
    {
        var handedOver = false;
        try
        {
            await Task.Yield(); // off the accept loop, without a Task.Run closure and wrapper task per connection
            var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                deadline.CancelAfter(Options.HelloTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, deadline.Token)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException)
            {
                _log.Warning("TLS handshake with {Address} failed: {Reason}", AddressOf(socket),
                    ex is OperationCanceledException ? "no handshake within the hello timeout" : ex.Message);
                await ssl.DisposeAsync().ConfigureAwait(false);
                return;
            }
            handedOver = true;
            StartSession(socket, ssl, stopping); // does its own accounting from here
        }
        finally
        {
            if (!handedOver)
            {
                ConnectionClosed();
            }
        }
    }

    /// <summary>The peer's address for a log line; only asked for when one is written.</summary>
    private static string AddressOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "unknown";
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return "unknown";
        }
    }

    /// <summary>Wraps the socket (and TLS stream) in a connection and starts its session.</summary>
    private void StartSession(Socket socket, SslStream? ssl, CancellationToken stopping)
    {
        var started = false;
        try
        {
            var connection = ssl is null
                ? new LineConnection(socket, Options.MaxLineBytes, Options.MaxPendingMessages)
                : new LineConnection(socket, ssl, Options.MaxLineBytes, Options.MaxPendingMessages);
            var session = new ServerSession(_context, connection);
            _sessions[session] = 0;
            started = true;
            _ = session.RunAsync(stopping);
            if (_stopping)
            {
                session.Shutdown(); // accepted while the server began to stop, after it told the others
            }
        }
        finally
        {
            if (!started)
            {
                ConnectionClosed();
            }
        }
    }

    private void ConnectionClosed()
    {
        if (Interlocked.Decrement(ref _open) == 0 && _stopping)
        {
            _allClosed.TrySetResult();
        }
    }

    private void RefuseFull(Socket socket)
    {
        var address = socket.RemoteEndPoint?.ToString();
        _log.Warning("Refused {Address}: {Max} connections already open", address, Options.MaxConnections);
        try
        {
            socket.Blocking = false;
            socket.Send(MessageCodec.Encode(new ErrorMessage
            {
                Code = ErrorCodes.ServerFull,
                Message = $"the server already has {Options.MaxConnections} connections",
            }));
        }
        catch (SocketException)
        {
            // The refusal is best effort; the close says the rest.
        }
        socket.Dispose();
    }

    /// <summary>Called by a session when its connection has ended.</summary>
    private void OnClosed(ServerSession session, string reason)
    {
        _sessions.TryRemove(session, out _);
        _events.Unfollow(session);
        try
        {
            Unregister(session, reason);
        }
        finally
        {
            ConnectionClosed();
        }
    }

    private void Unregister(ServerSession session, string reason)
    {
        if (session.Role != Roles.Builder || session.Name is null)
        {
            return;
        }
        _events.Publish(new EventMessage { Kind = "disconnected", Time = DateTimeOffset.Now, Builder = session.Name, Address = session.Address, Detail = reason });
        var owed = Registry.Unregister(session.Name, session);
        foreach (var id in owed)
        {
            Registry.AnswerFor(id, session.Name)?.Send(new LostMessage { Id = id, Builder = session.Name, Reason = reason });
        }
        if (owed.Length > 0)
        {
            _log.Warning("Builder {Builder} ({Address}) disconnected ({Reason}) with builds in progress: {BuildIds}",
                session.Name, session.Address, reason, owed);
        }
        else
        {
            _log.Warning("Builder {Builder} ({Address}) disconnected ({Reason})", session.Name, session.Address, reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        await AllClosedAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    /// <summary>Waits, at most <paramref name="patience"/>, until every connection has closed.</summary>
    private async Task AllClosedAsync(TimeSpan patience)
    {
        _stopping = true;
        if (Volatile.Read(ref _open) == 0)
        {
            _allClosed.TrySetResult();
        }
        await _allClosed.Task.WaitAsync(patience).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
