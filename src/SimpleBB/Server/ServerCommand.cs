using System.CommandLine;
using System.Net.Sockets;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>The command line of simplebb-server.</summary>
public static class ServerCommand
{
    /// <param name="web">The web dashboard (simplebb-server passes SimpleBB.Web's); null serves no page (--http is then ignored).</param>
    public static RootCommand Create(IWebDashboardHost? web = null)
    {
        var listen = EnvOptions.String("--listen", ["-l"], "SIMPLEBB_LISTEN", () => "0.0.0.0",
            "Address or host name to listen on (0.0.0.0: all IPv4 interfaces, :: for IPv6 too)");
        var port = EnvOptions.Int("--port", ["-p"], "SIMPLEBB_PORT", ProtocolLimits.DefaultPort, 0, 65535, "TCP port");
        var logFile = EnvOptions.String("--log-file", [], "SIMPLEBB_LOG_FILE", () => "server.log",
            "Where results and events are logged; the current file keeps this name when it rotates");
        var logMaxMb = EnvOptions.Int("--log-max-mb", [], "SIMPLEBB_LOG_MAX_MB", 64, 1, 1_000_000,
            "Rotate the log when it reaches this many MiB (it becomes <log-file>.1)");
        var logKeep = EnvOptions.Int("--log-keep", [], "SIMPLEBB_LOG_KEEP", 5, 0, 1000, "Rotated log parts to keep");
        var maxLine = EnvOptions.Int("--max-line-bytes", [], "SIMPLEBB_MAX_LINE_BYTES", ProtocolLimits.DefaultMaxLineBytes,
            32 * 1024, 16 * 1024 * 1024, "Longest accepted message line; a longer one closes the connection");
        var maxConnections = EnvOptions.Int("--max-connections", [], "SIMPLEBB_MAX_CONNECTIONS", 10_000, 1, 1_000_000,
            "Connections beyond this are refused with an error");
        var maxPending = EnvOptions.Int("--max-pending", [], "SIMPLEBB_MAX_PENDING", 1024, 1, 1_000_000,
            "Messages queued for one peer before it is disconnected as too slow");
        var helloTimeout = EnvOptions.Int("--hello-timeout", [], "SIMPLEBB_HELLO_TIMEOUT", 10, 1, 3600,
            "Seconds a new connection has to send hello");
        var heartbeat = EnvOptions.Int("--heartbeat", [], "SIMPLEBB_HEARTBEAT", 15, 1, 3600,
            "Seconds between pings; a peer silent for 3 intervals is disconnected");
        var quiet = EnvOptions.Flag("--quiet", "SIMPLEBB_QUIET", "Log only to the log file, not to stderr");
        var token = EnvOptions.String("--token", [], "SIMPLEBB_TOKEN", () => "",
            "Shared secret builders and suggesters must present (default: --token-file, else ~/.simplebb/token, created on first start)");
        var tokenFile = EnvOptions.String("--token-file", [], "SIMPLEBB_TOKEN_FILE", () => "", "File holding the shared secret");
        var noAuth = EnvOptions.Flag("--no-auth", "SIMPLEBB_NO_AUTH", "Accept connections without a token (a warning is logged at every start)");
        var tlsCert = EnvOptions.String("--tls-cert", [], "SIMPLEBB_TLS_CERT", () => "",
            "Serve TLS with this certificate: PFX (password in SIMPLEBB_TLS_CERT_PASSWORD) or PEM with its key");
        var storeFile = EnvOptions.String("--store", [], "SIMPLEBB_STORE", () => "",
            "The results store, an SQLite database of every build and result (default: simplebb.db beside the log file)");
        var keepDays = EnvOptions.Int("--keep-days", [], "SIMPLEBB_KEEP_DAYS", 0, 0, 1_000_000,
            "Delete results (and their output files) older than this many days; 0 keeps them all");
        var keepResults = EnvOptions.Int("--keep-results", [], "SIMPLEBB_KEEP_RESULTS", 0, 0, int.MaxValue,
            "Keep only the newest this many results (and their output files); 0 keeps them all");
        var historyFile = EnvOptions.String("--history-file", [], "SIMPLEBB_HISTORY_FILE", () => "",
            "The result journal of versions before 0.3, imported into the store once and renamed to <name>.imported (default: history.jsonl beside the log file)");
        var onResult = EnvOptions.String("--on-result", [], "SIMPLEBB_ON_RESULT", () => "",
            "Script run for every recorded result, with SIMPLEBB_RESULT, SIMPLEBB_LAST_RESULT, SIMPLEBB_PROJECT and more in its environment (see README, Result hooks)");
        var onResultJobs = EnvOptions.Int("--on-result-jobs", [], "SIMPLEBB_ON_RESULT_JOBS", 2, 1, 64,
            "Result hooks running at once (one project's hooks always run one after another)");
        var onResultTimeout = EnvOptions.Int("--on-result-timeout", [], "SIMPLEBB_ON_RESULT_TIMEOUT", 60, 1, 86_400,
            "Seconds a result hook may run before it is killed with its process group");
        var http = EnvOptions.String("--http", [], "SIMPLEBB_HTTP", () => HttpAddress.Default,
            "Serve the read-only web dashboard on ADDRESS:PORT, or 'off'; a non-loopback address is warned about (build output can hold secrets)");
        var maxOutputMb = EnvOptions.Int("--max-output-mb", [], "SIMPLEBB_MAX_OUTPUT_MB", 100, 1, 1_000_000,
            "A build's output file under logs/ stops growing at this many MiB (live output beyond it is not kept; the tail is)");
        var tlsKey = EnvOptions.String("--tls-key", [], "SIMPLEBB_TLS_KEY", () => "", "PEM private key, when not in the --tls-cert file");

        var root = new RootCommand(
            """
            simplebb-server: accepts builders and suggesters over TCP, sends every suggested build to every
            connected builder, and records every result (SUCCESS, FAILED <code>, TIMEOUT, N/A, CANCELLED or
            INTERRUPTED) in its results store (simplebb.db, SQLite, synced before the builder is told it arrived)
            and as one line in the log file. When the disk is full it pauses recording (builders keep their results) and
            resumes by itself. With --on-result a script runs for every recorded result (once, even across
            restarts), off the recording path.

            Every builder and suggester must present the server's token (created in ~/.simplebb/token on first
            start; copy that file to the other machines or set SIMPLEBB_TOKEN there) unless --no-auth is given.

            Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 could not start (port in use, log or results store not
            writable, another server using the same folder, token or certificate unreadable); 2 bad command
            line or environment variable.
            """)
        {
            listen, port, logFile, logMaxMb, logKeep, maxLine, maxConnections, maxPending, helloTimeout, heartbeat, quiet,
            token, tokenFile, noAuth, tlsCert, tlsKey, storeFile, keepDays, keepResults, historyFile, http, maxOutputMb, onResult, onResultJobs, onResultTimeout,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (ListenAddress.Resolve(parse.GetValue(listen)!, out var problem) is not { } listenAddress)
            {
                await Console.Error.WriteLineAsync($"simplebb-server: {problem}");
                return ExitCodes.Usage;
            }
            System.Net.IPEndPoint? httpEndpoint = null;
            if (!HttpAddress.IsOff(parse.GetValue(http)!))
            {
                if (HttpAddress.Parse(parse.GetValue(http)!, out var badHttp) is not { } endpoint)
                {
                    await Console.Error.WriteLineAsync($"simplebb-server: {badHttp}");
                    return ExitCodes.Usage;
                }
                httpEndpoint = web is null ? null : endpoint;
            }
            string? secret = null;
            string tokenSource = "";
            System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
            try
            {
                if (!parse.GetValue(noAuth))
                {
                    secret = TokenStore.Resolve(parse.GetValue(token), parse.GetValue(tokenFile), create: true, out tokenSource);
                }
                if (parse.GetValue(tlsCert) is { Length: > 0 } certFile)
                {
                    certificate = ServerCertificate.Load(certFile, parse.GetValue(tlsKey) is { Length: > 0 } key ? key : null,
                        Environment.GetEnvironmentVariable("SIMPLEBB_TLS_CERT_PASSWORD"));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                await Console.Error.WriteLineAsync($"simplebb-server: {ex.Message}");
                return ExitCodes.Failure;
            }
            var options = new ServerOptions
            {
                Token = secret,
                Certificate = certificate,
                Listen = listenAddress,
                Port = parse.GetValue(port),
                MaxLineBytes = parse.GetValue(maxLine),
                MaxConnections = parse.GetValue(maxConnections),
                MaxPendingMessages = parse.GetValue(maxPending),
                HelloTimeout = TimeSpan.FromSeconds(parse.GetValue(helloTimeout)),
                HeartbeatInterval = TimeSpan.FromSeconds(parse.GetValue(heartbeat)),
                OnResult = parse.GetValue(onResult) is { Length: > 0 } hook ? Path.GetFullPath(hook) : null,
                OnResultJobs = parse.GetValue(onResultJobs),
                OnResultTimeout = TimeSpan.FromSeconds(parse.GetValue(onResultTimeout)),
                MaxOutputFileBytes = parse.GetValue(maxOutputMb) * 1024L * 1024,
            };
            var path = parse.GetValue(logFile)!;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            var quietly = parse.GetValue(quiet);
            options = options with
            {
                StoreFile = parse.GetValue(storeFile) is { Length: > 0 } store ? Path.GetFullPath(store) : Path.Combine(folder, "simplebb.db"),
                HistoryFile = parse.GetValue(historyFile) is { Length: > 0 } history ? history : Path.Combine(folder, "history.jsonl"),
                OutputFolder = folder,
                Recording = options.Recording with
                {
                    AlertOnStderr = quietly,
                    KeepDays = parse.GetValue(keepDays) is > 0 and var days ? days : null,
                    KeepResults = parse.GetValue(keepResults) is > 0 and var kept ? kept : null,
                },
            };
            if (LogFilePath.Problem(path, "--log-file", "server.log") is { } badPath)
            {
                await Console.Error.WriteLineAsync($"simplebb-server: cannot open log file: {badPath}");
                return ExitCodes.Failure;
            }
            FolderLock folderLock;
            FileLogSink sink;
            try
            {
                folderLock = FolderLock.Acquire(folder); // before the log is opened: a second server must not write to it
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"simplebb-server: cannot open log file {path}: {ex.Message}");
                return ExitCodes.Failure;
            }
            using (folderLock)
            {
                try
                {
                    sink = new FileLogSink(path, LogSetup.FileFormatter(), parse.GetValue(logMaxMb) * 1024L * 1024, parse.GetValue(logKeep));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"simplebb-server: cannot open log file {path}: {ex.Message}");
                    return ExitCodes.Failure;
                }
                using (sink)
                using (var log = LogSetup.ForServer(sink, console: !quietly))
                {
                    Task<Uri>? webStarting = null;
                    if (web is not null && httpEndpoint is not null)
                    {
                        // Kestrel takes tens of milliseconds to start: it starts beside the results store and the
                        // protocol listener, not before them. Its address is known unless the port is 0 (tests).
                        webStarting = Task.Run(() => web.StartAsync(httpEndpoint, log, cancellationToken), cancellationToken);
                        var page = httpEndpoint.Port != 0 ? new Uri($"http://{httpEndpoint}/")
                            : await WebStartedAsync(webStarting, httpEndpoint, log, quietly);
                        if (page is null)
                        {
                            return ExitCodes.Failure;
                        }
                        options = options with { WebBaseUrl = page.ToString() };
                    }
                    try
                    {
                        return await ServeAsync(options, log, sink, secret, tokenSource, quietly, web, webStarting, httpEndpoint, cancellationToken);
                    }
                    finally
                    {
                        if (webStarting is not null && await webStarting.ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default))
                        {
                            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                            await web!.StopAsync(patience.Token);
                        }
                    }
                }
            }
        });
        return root;
    }

    /// <summary>The dashboard's address once it listens, or null (said in the log and on stderr) when it cannot.</summary>
    private static async Task<Uri?> WebStartedAsync(Task<Uri> starting, System.Net.IPEndPoint httpEndpoint, Serilog.ILogger log, bool quietly)
    {
        try
        {
            return await starting;
        }
        catch (IOException ex)
        {
            log.Error("Cannot serve the web dashboard on {HttpAddress}: {Reason} (choose another with --http, or --http off)", httpEndpoint.ToString(), ex.Message);
            if (quietly)
            {
                await Console.Error.WriteLineAsync($"simplebb-server: cannot serve the web dashboard on {httpEndpoint}: {ex.Message}");
            }
            return null;
        }
    }

    /// <summary>Starts the server, tells systemd, and serves until stopped.</summary>
    private static async Task<int> ServeAsync(ServerOptions options, Serilog.ILogger log, FileLogSink sink, string? secret, string tokenSource,
        bool quietly, IWebDashboardHost? web, Task<Uri>? webStarting, System.Net.IPEndPoint? httpEndpoint, CancellationToken cancellationToken)
    {
        SimpleBbServer server;
        try
        {
            server = new SimpleBbServer(options, log, sink);
            server.Start();
            if (secret is not null)
            {
                log.Information("Authentication on: clients must present the token from {TokenSource}", tokenSource);
            }
            sink.Flush(toDisk: true); // a full disk or unwritable file is found now, not at the first result
        }
        catch (SocketException ex)
        {
            log.Error("Cannot listen on {Address} port {Port}: {Reason}", options.Listen, options.Port, ex.Message);
            if (quietly)
            {
                await Console.Error.WriteLineAsync($"simplebb-server: cannot listen on {options.Listen} port {options.Port}: {ex.Message}");
            }
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"simplebb-server: cannot write log file {sink.FilePath} or use the results store {options.StoreFile}: {ex.Message}");
            return ExitCodes.Failure;
        }
        if (web is not null && webStarting is not null && httpEndpoint is not null)
        {
            if (await WebStartedAsync(webStarting, httpEndpoint, log, quietly) is not { } page)
            {
                await server.DisposeAsync();
                return ExitCodes.Failure;
            }
            web.Attach(server.Dashboard);
            log.Information("Web dashboard (read-only): {Url}", page.ToString());
            if (httpEndpoint is not null && !HttpAddress.IsLoopback(httpEndpoint))
            {
                log.Warning("The web dashboard is served on {HttpAddress}, not only to this machine: anyone who can reach it can read build output (README: Web dashboard)",
                    new System.Net.IPEndPoint(httpEndpoint.Address, page.Port).ToString());
            }
        }
        // Under systemd (Type=notify): ready once listening, and say when stopping.
        SystemdNotify.Send($"READY=1\nSTATUS=Listening on {server.LocalEndPoint}");
        using var stopping = cancellationToken.Register(() => SystemdNotify.Send("STOPPING=1"));
        await server.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}
