using System.CommandLine;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>The command line of simplebb-builder.</summary>
public static class BuilderCommand
{
    public static RootCommand Create()
    {
        var defaults = new BuilderOptions();
        var host = EnvOptions.String("--host", ["-H"], "SIMPLEBB_HOST", () => defaults.Host, "Server host name or address");
        var port = EnvOptions.Int("--port", ["-p"], "SIMPLEBB_PORT", ProtocolLimits.DefaultPort, 1, 65535, "Server TCP port");
        var name = EnvOptions.String("--name", ["-n"], "SIMPLEBB_NAME", () => Environment.MachineName,
            "This builder's name in server.log (each builder needs its own)");
        var scripts = EnvOptions.String("--scripts", ["-s"], "SIMPLEBB_SCRIPTS", () => defaults.ScriptsDirectory,
            "Folder with one executable build script per project, named after the project");
        var dataDir = EnvOptions.String("--data-dir", [], "SIMPLEBB_DATA_DIR", () => defaults.DataDirectory,
            "Folder for the result outbox (outbox/), build output (logs/<project>/<build-id>.log) and work folders (work/<project>)");
        var logFile = EnvOptions.String("--log-file", [], "SIMPLEBB_BUILDER_LOG_FILE", () => "",
            "The builder's own log (default: builder.log in the data folder)");
        var jobs = EnvOptions.Int("--jobs", ["-j"], "SIMPLEBB_JOBS", 1, 1, 256, "Builds run at the same time");
        var timeout = EnvOptions.Int("--timeout", [], "SIMPLEBB_BUILD_TIMEOUT", 3600, 1, 7 * 24 * 3600,
            "Seconds a build may run before its process tree is killed and it is reported as TIMEOUT");
        var shutdownGrace = EnvOptions.Int("--shutdown-grace", [], "SIMPLEBB_SHUTDOWN_GRACE", 30, 0, 24 * 3600,
            "On Ctrl-C or SIGTERM, seconds a running build gets to finish before it is stopped (SIGTERM to its process group, " +
            "SIGKILL 10 s later) and reported as INTERRUPTED; a second Ctrl-C or SIGTERM stops it at once");
        var cancelGrace = EnvOptions.Int("--cancel-grace", [], "SIMPLEBB_CANCEL_GRACE", 10, 0, 24 * 3600,
            "When a running build is cancelled (simplebb-cancel), seconds between SIGTERM and SIGKILL to its process group and tree");
        var quiet = EnvOptions.Flag("--quiet", "SIMPLEBB_QUIET", "Log only to the log file, not to stderr");

        var security = new ClientSecurityOptions();
        var root = new RootCommand(
            """
            simplebb-builder: connects to a SimpleBB server (and keeps reconnecting), and for each suggested build
            runs <scripts>/<project> <revision>, reporting the exit code, this machine's uname and the runtime
            version. A project without a script is reported with exit code -1.

            The server's token is read from --token, --token-file or ~/.simplebb/token (see simplebb-server --help).

            Build scripts run in a session of their own: Ctrl-C at the terminal or a signal to the builder's process
            group reaches the builder, which decides what happens to running builds (see --shutdown-grace).

            Exit codes: 0 stopped by Ctrl-C or SIGTERM (also by a second one); 1 could not start (log or data folder not writable, token unreadable);
            2 bad command line or environment variable; 128 + the signal number after a third Ctrl-C or SIGTERM.
            """)
        {
            host, port, name, scripts, dataDir, logFile, jobs, timeout, shutdownGrace, cancelGrace, quiet,
        };
        security.AddTo(root);
        root.SetAction(async (parse, cancellationToken) =>
        {
            var builderName = parse.GetValue(name)!;
            if (Names.CheckBuilderName(builderName) is { } badName)
            {
                await Console.Error.WriteLineAsync($"simplebb-builder: {badName}; choose one with --name");
                return ExitCodes.Usage;
            }
            if (!security.TryResolve(parse, out var token, out var tls))
            {
                return ExitCodes.Failure;
            }
            var options = defaults with
            {
                Token = token,
                Tls = tls,
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                Name = builderName,
                ScriptsDirectory = Path.GetFullPath(parse.GetValue(scripts)!),
                DataDirectory = Path.GetFullPath(parse.GetValue(dataDir)!),
                Jobs = parse.GetValue(jobs),
                BuildTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                ShutdownGrace = TimeSpan.FromSeconds(parse.GetValue(shutdownGrace)),
                CancelGrace = TimeSpan.FromSeconds(parse.GetValue(cancelGrace)),
            };
            // Beside the outbox rather than in whatever folder the builder happens to be started from.
            var path = parse.GetValue(logFile) is { Length: > 0 } given ? given : Path.Combine(options.DataDirectory, "builder.log");
            if (LogFilePath.Problem(path, "--log-file", "builder.log") is { } badPath)
            {
                await Console.Error.WriteLineAsync($"simplebb-builder: cannot start: {badPath}");
                return ExitCodes.Failure;
            }
            BuilderAgent agent;
            Serilog.Core.Logger log;
            try
            {
                Directory.CreateDirectory(options.DataDirectory);
                File.AppendAllText(path, ""); // fail now, clearly, rather than log nothing later
                log = LogSetup.ForBuilder(path, console: !parse.GetValue(quiet));
                agent = new BuilderAgent(options, log);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"simplebb-builder: cannot start: {ex.Message}");
                return ExitCodes.Failure;
            }
            using (log)
            {
                if (token is null)
                {
                    log.Warning("No token: none given with --token or --token-file and {TokenFile} does not exist; a server with authentication on " +
                        "(the default) will refuse this builder. Copy the server's token file there, or set SIMPLEBB_TOKEN", TokenStore.DefaultFile);
                }
                if (!Directory.Exists(options.ScriptsDirectory))
                {
                    log.Warning("Scripts folder {Scripts} does not exist yet; every build will report -1 until it does", options.ScriptsDirectory);
                }
                // Ready once it runs, not once connected: a builder whose server is down is working as intended.
                SystemdNotify.Send($"READY=1\nSTATUS=Connecting to {options.Host}:{options.Port}");
                using var stopping = cancellationToken.Register(() => SystemdNotify.Send("STOPPING=1"));
                await agent.RunAsync(cancellationToken, ShutdownSignals.Current?.Hurry ?? CancellationToken.None);
            }
            return ExitCodes.Ok;
        });
        return root;
    }
}
