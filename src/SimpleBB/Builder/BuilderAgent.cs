using Serilog;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The builder daemon: keeps a connection to the server (reconnecting forever with capped, jittered backoff),
/// queues the builds it is sent, runs them with <see cref="ScriptRunner"/> on <c>Jobs</c> workers, and delivers
/// every result through the <see cref="Outbox"/> so none is lost to a dropped connection or a restart.
/// </summary>
public sealed class BuilderAgent
{
    private readonly BuilderOptions _options;
    private readonly ILogger _log;
    private readonly BuildQueue _queue;
    private readonly ScriptRunner _runner;
    private readonly SemaphoreSlim _acked = new(0);
    private readonly ScriptInventory _scripts;

    /// <summary>Running script runs by build id (a merged run appears under each of its ids); also the lock for them.</summary>
    private readonly Dictionary<string, RunningBuild> _running = new(StringComparer.Ordinal);
    private volatile ServerLink? _link;

    /// <summary>Running builds whose output is streamed, by their first build id.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StreamedBuild> _streaming = new(StringComparer.Ordinal);

    /// <summary>Completed when a build starts streaming: an idle builder's output loop sleeps on it instead of ticking.</summary>
    private TaskCompletionSource _streamingStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BuilderAgent(BuilderOptions options, ILogger log)
    {
        _options = options;
        _log = log.ForContext("Builder", options.Name);
        _queue = new BuildQueue(options.MaxWaitingBuilds);
        _runner = new ScriptRunner(options);
        _scripts = new ScriptInventory(options.ScriptsDirectory, (script, problem) =>
            _log.Warning("{Script} is not offered as a build script: {Problem}", script, problem), leftOut =>
            {
                if (leftOut > 0)
                {
                    _log.Warning("{Scripts} holds more than {Max} scripts: the server is told about the first ones by name, not the other {LeftOut} " +
                        "(their builds still run, but the server does not count this builder as having them)",
                        options.ScriptsDirectory, ProtocolLimits.MaxScripts, leftOut);
                }
            });
        Outbox = new Outbox(Path.Combine(options.DataDirectory, "outbox"));
    }

    public Outbox Outbox { get; }

    /// <summary>True while the server has welcomed the current connection.</summary>
    public bool IsConnected => _link is not null;

    private string ServerAddress => $"{_options.Host}:{_options.Port}";

    /// <summary>
    /// Runs until <paramref name="stopping"/> is cancelled, then takes no more builds, gives running ones
    /// <see cref="BuilderOptions.ShutdownGrace"/> (or stops them at once on <paramref name="hurry"/>), reports the ones
    /// it stopped as INTERRUPTED and delivers what it can.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken hurry = default)
    {
        _log.Information("SimpleBB builder {Builder} {Version} starting: server {Server}, scripts in {Scripts}, {Jobs} job(s)",
            _options.Name, ProductInfo.Version, ServerAddress, _options.ScriptsDirectory, _options.Jobs);
        using var disconnect = new CancellationTokenSource();
        var connecting = ConnectLoopAsync(disconnect.Token);
        using var stoppingLog = stopping.Register(() => _log.Information(
            "Builder {Builder} stopping: no more builds are taken; running builds get {Grace} s to finish (a second Ctrl-C or SIGTERM stops them now)",
            _options.Name, _options.ShutdownGrace.TotalSeconds));
        using var hurryLog = hurry.Register(() => _log.Warning("Second signal: stopping running builds now; they are reported as INTERRUPTED"));
        await Task.WhenAll(Enumerable.Range(0, _options.Jobs).Select(_ => WorkAsync(stopping, hurry))).ConfigureAwait(false);

        // Stopping: give the server a moment to acknowledge the last results; the rest stay in the outbox.
        var deadline = Environment.TickCount64 + 3000;
        while (Outbox.Count > 0 && IsConnected && Environment.TickCount64 < deadline)
        {
            await _acked.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
        }
        await disconnect.CancelAsync().ConfigureAwait(false);
        await connecting.ConfigureAwait(false);
        _log.Information("Builder {Builder} stopped; {Count} result(s) kept in the outbox for the next connection", _options.Name, Outbox.Count);
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        var client = new ProtocolClientOptions
        {
            Host = _options.Host, Port = _options.Port, Tls = _options.Tls, MaxLineBytes = _options.MaxLineBytes, MaxPendingMessages = 65_536,
        };
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            var welcomed = false;
            try
            {
                var connection = await ProtocolClient.ConnectAsync(client, CreateHello(), [], _log, cancellationToken).ConfigureAwait(false);
                (reason, welcomed) = await ServeAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ServerRefusedException ex)
            {
                _log.Error("Server {Server} refused this builder: {Code}: {Reason}", ServerAddress, ex.Code, Names.Printable(ex.Reason, 500));
                reason = $"refused ({ex.Code})";
            }
            catch (ServerUnreachableException ex)
            {
                reason = $"cannot connect: {ex.Reason}";
            }
            catch (Exception ex) when (ex is ProtocolClientException or TimeoutException or System.Security.Authentication.AuthenticationException)
            {
                reason = ex.Message;
            }
            catch (Exception ex)
            {
                // A bug or a surprise from the network must not end the reconnect loop.
                _log.Error(ex, "Unexpected failure talking to {Server}", ServerAddress);
                reason = "internal error";
            }
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            failures = welcomed ? 0 : failures + 1;
            var delay = Backoff.Delay(failures, _options.MinBackoff, _options.MaxBackoff);
            _log.Warning("Server {Server}: {Reason}; next attempt in {Delay:0.0} s", ServerAddress, reason, delay.TotalSeconds);
            SystemdNotify.Send($"STATUS=Not connected to {ServerAddress}: {reason}");
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>This builder's hello: who it is, its machine, and the scripts it has now.</summary>
    private Hello CreateHello()
    {
        ScriptInfo[] scripts;
        lock (_scripts)
        {
            scripts = _scripts.Scan().Scripts;
        }
        return new Hello
        {
            Role = Roles.Builder, Name = _options.Name, Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = _options.Token,
            Uname = SystemInfo.Uname, Runtime = ProductInfo.Runtime, Scripts = scripts,
        };
    }

    /// <summary>Serves one welcomed connection until it ends; returns why, and whether it counts as a success for the backoff.</summary>
    private async Task<(string Reason, bool Welcomed)> ServeAsync(ProtocolClient client, CancellationToken cancellationToken)
    {
        var link = new ServerLink(client);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        OnWelcome(link, client.Welcome);
        var rescanning = RescanAsync(link, closing.Token);
        var delivering = DeliverAsync(link, closing.Token);
        var streaming = client.Welcome.Protocol >= ProtocolLimits.WatchAndStopVersion ? StreamAsync(link, closing.Token) : Task.CompletedTask;

        string reason;
        try
        {
            reason = await ReadAsync(link, closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reason = "stopping";
        }
        catch (ProtocolClientException ex)
        {
            reason = ex.Message;
        }
        finally
        {
            if (_link == link)
            {
                _link = null;
            }
            await closing.CancelAsync().ConfigureAwait(false);
            await client.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await Task.WhenAll(rescanning, delivering, streaming).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return (reason, !link.Replaced);
    }

    /// <summary>Tells the server when the scripts folder changes (checked every <see cref="BuilderOptions.ScriptsRescan"/>).</summary>
    private async Task RescanAsync(ServerLink link, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ScriptsRescan);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            ScriptInfo[] scripts;
            bool changed;
            lock (_scripts)
            {
                (scripts, changed) = _scripts.Scan();
            }
            if (changed)
            {
                _log.Information("Scripts changed: {Count} script(s) now", scripts.Length);
                link.Client.TrySend(new ScriptsMessage { Scripts = scripts });
            }
        }
    }

    /// <summary>
    /// Sends the running builds' new output every <see cref="BuilderOptions.LiveOutputTick"/>, at most
    /// <see cref="BuilderOptions.LiveOutputBytesPerTick"/> per tick. Runs only on a connection that chose protocol 3.
    /// </summary>
    private async Task StreamAsync(ServerLink link, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.LiveOutputTick);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_streaming.IsEmpty)
            {
                // Builders idle for days: wait for a build rather than waking five times a second. The signal is
                // replaced before the second look, so a build added in between completes the one awaited.
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Exchange(ref _streamingStarted, started);
                if (_streaming.IsEmpty)
                {
                    await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                continue;
            }
            var running = _streaming.Values.ToArray();
            var share = Math.Max(ProtocolLimits.OutputChunkRawBytes, _options.LiveOutputBytesPerTick / running.Length);
            foreach (var build in running)
            {
                lock (build)
                {
                    if (!build.Finished)
                    {
                        SendOutput(link, build, share);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Sends up to <paramref name="budget"/> bytes of a build's output in chunks. Only enqueues, and only into the free
    /// half of the connection's queue (results must always find room): otherwise the rest stays in the ring, which drops
    /// its oldest bytes if the script keeps printing.
    /// </summary>
    private static void SendOutput(ServerLink link, StreamedBuild build, int budget)
    {
        var ids = build.Ids;
        while (budget > 0 && ids.Length > 0)
        {
            var taken = build.Output.TryTake(Math.Min(budget, ProtocolLimits.OutputChunkRawBytes), (data, skipped) =>
            {
                foreach (var id in ids)
                {
                    if (!link.Client.TrySendOptional(new OutputMessage { Id = id, Data = data, Skipped = skipped > 0 ? skipped : null }))
                    {
                        return false;
                    }
                }
                return true;
            });
            if (taken <= 0)
            {
                return;
            }
            budget -= taken;
        }
    }

    /// <summary>Handles the server's messages until the connection ends (by an exception: bye, close, a bad line).</summary>
    private async Task<string> ReadAsync(ServerLink link, CancellationToken cancellationToken)
    {
        while (true)
        {
            Message message;
            try
            {
                message = await link.Client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BadServerMessageException ex) when (ex.CanContinue)
            {
                // A build whose id is valid but whose project or revision is not is refused with its id, so the
                // server stops expecting a result for it.
                _log.Warning("Bad message from server {Server}: {Code}: {Reason}{Build}", ServerAddress, ex.Code, Names.Printable(ex.Reason),
                    ex.Id is null ? "" : $" [build {ex.Id}]");
                link.Client.TrySend(new ErrorMessage { Code = ex.Code, Message = ex.Reason, Id = ex.Id });
                continue;
            }
            switch (message)
            {
                case BuildMessage build:
                    OnBuild(link, build);
                    break;
                case Ack ack:
                    if (Outbox.Remove(ack.Id))
                    {
                        _acked.Release();
                    }
                    break;
                case ErrorMessage error:
                    OnError(link, error);
                    break;
                case CancelMessage cancel:
                    OnCancel(cancel);
                    break;
                default:
                    _log.Warning("Unexpected {Type} from server {Server}; ignored", message.Type, ServerAddress);
                    link.Client.TrySend(new ErrorMessage { Code = ErrorCodes.NotAllowed, Message = $"a builder does not accept \"{message.Type}\" here" });
                    break;
            }
        }
    }

    private void OnWelcome(ServerLink link, Welcome welcome)
    {
        _link = link;
        SystemdNotify.Send($"STATUS=Connected to {ServerAddress} as {_options.Name}");
        _log.Information("Connected to server {ServerName} at {Server} as {Builder}; {Count} unacknowledged result(s) to send",
            Names.Printable(welcome.Server), ServerAddress, _options.Name, Outbox.Count);
    }

    /// <summary>
    /// Sends the outbox once the server has welcomed us, then again every <see cref="BuilderOptions.OutboxResend"/>
    /// for results still unacknowledged (a send that found the queue full, an ack lost in flight). Paced by the
    /// connection's queue, so a large outbox never overflows it; the server logs each result only once.
    /// </summary>
    private async Task DeliverAsync(ServerLink link, CancellationToken cancellationToken)
    {
        var olderThan = DateTime.MaxValue;
        while (true)
        {
            foreach (var (_, frame) in Outbox.ReadAll(olderThan))
            {
                var sendable = ResultFrames.ForProtocol(frame, link.Client.Welcome.Protocol);
                while (!link.Client.TrySend(sendable))
                {
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                }
            }
            await Task.Delay(_options.OutboxResend, cancellationToken).ConfigureAwait(false);
            olderThan = DateTime.UtcNow - _options.OutboxResend;
        }
    }

    private void OnBuild(ServerLink link, BuildMessage build)
    {
        if (!_queue.Add(build))
        {
            _log.Warning("Refused {Project}/{Revision}: {Count} builds already waiting [build {BuildId}]",
                build.Project, build.Revision, _options.MaxWaitingBuilds, build.Id);
            link.Client.TrySend(new ErrorMessage { Code = ErrorCodes.Unavailable, Message = "too many builds waiting", Id = build.Id });
            return;
        }
        _log.Information("Queued {Project}/{Revision} [build {BuildId}]", build.Project, build.Revision, build.Id);
    }

    /// <summary>
    /// The server passes on a user's cancel: a waiting build is dropped and reported CANCELLED at once; a running one is
    /// stopped (SIGTERM to its process group and tree, SIGKILL after --cancel-grace) and reported CANCELLED when it has
    /// ended. A build that is neither (it has just finished) is left alone: its result is on its way.
    /// </summary>
    private void OnCancel(CancelMessage cancel)
    {
        if (_queue.Remove(cancel.Id) is { } waiting)
        {
            _log.Information("Cancelled {Project}/{Revision} before it started [build {BuildId}]", waiting.Project, waiting.Revision, waiting.Id);
            Report([waiting], new BuildOutcome(-1, false, 0, "[simplebb: cancelled before it started (CANCELLED)]\n", null) { Cancelled = true });
            return;
        }
        BuildMessage? detached = null;
        string? stillFor = null;
        lock (_running)
        {
            if (!_running.TryGetValue(cancel.Id, out var run))
            {
                _log.Information("Asked to cancel build {BuildId}, which is neither waiting nor running here; its result is already on its way", cancel.Id);
                return;
            }
            var build = run.Builds.Find(b => b.Id == cancel.Id)!;
            if (run.Builds.Count > 1)
            {
                // The same script run serves other build ids: it goes on for them, only this id is reported cancelled.
                run.Builds.Remove(build);
                _running.Remove(cancel.Id);
                detached = build;
                stillFor = string.Join(", ", run.Builds.Select(b => b.Id));
            }
            else
            {
                _log.Information("Cancelling {Project}/{Revision}: stopping its process tree (SIGKILL after {Grace} s) [build {BuildId}]",
                    build.Project, build.Revision, _options.CancelGrace.TotalSeconds, build.Id);
                run.Cancel.Cancel();
            }
        }
        if (detached is not null)
        {
            _log.Information("Cancelled {Project}/{Revision}; the same run goes on for build(s) {Others} [build {BuildId}]",
                detached.Project, detached.Revision, stillFor, detached.Id);
            Report([detached], new BuildOutcome(-1, false, 0, $"[simplebb: cancelled; the same run goes on for build(s) {stillFor}]\n", null) { Cancelled = true });
        }
    }

    private void OnError(ServerLink link, ErrorMessage error)
    {
        if (error.Code == ErrorCodes.Replaced)
        {
            link.Replaced = true;
            _log.Error("Another builder named {Builder} connected to {Server} and replaced this one; give each builder its own --name",
                _options.Name, ServerAddress);
            return;
        }
        if (error.Id is { } id && error.Code is ErrorCodes.UnknownBuild or ErrorCodes.BadMessage or ErrorCodes.BadProject or ErrorCodes.BadRevision
            && Outbox.Remove(id))
        {
            _log.Warning("Server {Server} refused the result of build {BuildId} for good ({Code}: {Reason}); dropped it",
                ServerAddress, id, error.Code, error.Message);
            return;
        }
        if (error.Code == ErrorCodes.NotAllowed && error.Id is { } outputId && _streaming.Values.Any(b => b.Refuse(outputId)))
        {
            // The server does not expect this build (it restarted, or forgot it): its output has nowhere to go.
            _log.Warning("Server {Server} refused the live output of build {BuildId} ({Reason}); not sending more of it",
                ServerAddress, outputId, Names.Printable(error.Message, 500));
            return;
        }
        if (error.Code == ErrorCodes.CannotRecord && error.Id is not null)
        {
            _log.Warning("Server {Server} cannot record results now; the result of build {BuildId} stays in the outbox and is sent again ({Reason})",
                ServerAddress, Names.Printable(error.Id), Names.Printable(error.Message, 500));
            return;
        }
        _log.Warning("Server {Server} reports: {Code}: {Reason}", ServerAddress, Names.Printable(error.Code), Names.Printable(error.Message, 500));
    }

    private async Task WorkAsync(CancellationToken stopping, CancellationToken hurry)
    {
        while (true)
        {
            IReadOnlyList<BuildMessage> builds;
            try
            {
                builds = await _queue.TakeAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var build = builds[0];
            _log.Information("Building {Project}/{Revision} [build {BuildId}]", build.Project, build.Revision, build.Id);
            foreach (var each in builds)
            {
                _link?.Client.TrySend(new StartedMessage { Id = each.Id });
            }
            using var run = new RunningBuild(builds);
            lock (_running)
            {
                foreach (var each in builds)
                {
                    _running[each.Id] = run;
                }
            }
            var streamed = new StreamedBuild(run, _running, new LiveOutput());
            _streaming[build.Id] = streamed;
            Volatile.Read(ref _streamingStarted).TrySetResult();
            BuildOutcome outcome;
            try
            {
                outcome = await _runner.RunAsync(build, stopping, hurry, run.Cancel.Token, streamed.Output).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                outcome = new BuildOutcome(-1, false, 0, $"the builder could not run the build: {ex.Message}", null);
            }
            finally
            {
                _streaming.TryRemove(build.Id, out _);
            }
            FinishOutput(streamed);
            BuildMessage[] remaining;
            lock (_running)
            {
                remaining = [.. run.Builds];
                foreach (var each in remaining)
                {
                    _running.Remove(each.Id);
                }
            }
            Report(remaining, outcome);
        }
    }

    /// <summary>Sends what is left of a finished build's output, before its result, when the server takes live output.</summary>
    private void FinishOutput(StreamedBuild build)
    {
        lock (build)
        {
            // Output goes before the result on the connection: a chunk after it would reach a build the server has
            // already completed (its output file finished, its waiting suggester answered).
            build.Finished = true;
            if (_link is not { } link || link.Client.Welcome.Protocol < ProtocolLimits.WatchAndStopVersion)
            {
                return; // nobody takes live output: nothing to say about it
            }
            SendOutput(link, build, int.MaxValue);
        }
        if (build.Output.TotalSkipped > 0)
        {
            _log.Information("Live output of build {BuildId}: {Skipped} bytes were not sent (printed faster than sent, or no connection)",
                build.FirstId, build.Output.TotalSkipped);
        }
    }

    private void Report(IReadOnlyList<BuildMessage> builds, BuildOutcome outcome)
    {
        var results = builds.Select(each => new ResultMessage
        {
            Id = each.Id,
            Project = each.Project,
            Revision = each.Revision,
            ExitCode = outcome.ExitCode,
            TimedOut = outcome.TimedOut,
            Interrupted = outcome.Interrupted,
            Cancelled = outcome.Cancelled,
            MissingScript = outcome.MissingScript,
            ScriptSha256 = outcome.ScriptSha256,
            DurationMs = outcome.DurationMs,
            Uname = SystemInfo.Uname,
            Runtime = ProductInfo.Runtime,
            Output = outcome.Output,
        }).ToArray();
        var first = results[0];
        _log.Information("Finished {Project}/{Revision}: {Outcome} in {DurationMs} ms [build {BuildId}]; full output: {LogFile}{NewLine}{Output}",
            first.Project, first.Revision, first.Outcome, first.DurationMs, first.Id, outcome.LogFile ?? "none", Environment.NewLine, outcome.Output.TrimEnd());
        foreach (var result in results)
        {
            var frame = MessageCodec.Encode(result);
            try
            {
                Outbox.Store(result.Id, frame);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.Error("Cannot store the result of build {BuildId} in {Outbox}: {Reason}; sending it without a copy on disk",
                    result.Id, Outbox.Folder, ex.Message);
            }
            if (_link is { } link)
            {
                link.Client.TrySend(ResultFrames.ForProtocol(frame, link.Client.Welcome.Protocol));
            }
        }
    }
}
