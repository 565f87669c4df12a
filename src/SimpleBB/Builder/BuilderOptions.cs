using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>Everything the builder can be told; defaults suit one builder per machine user.</summary>
public sealed record BuilderOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = ProtocolLimits.DefaultPort;

    /// <summary>How this builder is named in server.log; the host name by default.</summary>
    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Folder holding one executable script per project, named after the project.</summary>
    public string ScriptsDirectory { get; init; } = Path.Combine(SimpleBbHome, "buildscripts");

    /// <summary>Folder for the outbox of unacknowledged results, build logs and work folders.</summary>
    public string DataDirectory { get; init; } = SimpleBbHome;

    /// <summary>Builds run at the same time; further suggestions wait in order.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>A build running longer is killed and reported as timed out.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Time between the polite SIGTERM and the forced kill of a build's process tree.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between SIGTERM and SIGKILL to the process tree of a cancelled build.</summary>
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>On shutdown, time a running build gets to finish before it is killed.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First reconnect delay; doubles per failure up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxLineBytes { get; init; } = ProtocolLimits.DefaultMaxLineBytes;

    /// <summary>Suggestions waiting to be built; more are refused with an error to the server.</summary>
    public int MaxWaitingBuilds { get; init; } = 10_000;

    /// <summary>A build's full output file stops growing here (the tail in the result is unaffected).</summary>
    public long MaxBuildLogBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Build output files kept per project; older ones are deleted.</summary>
    public int BuildLogsKept { get; init; } = 50;

    /// <summary>The server's shared secret, sent in hello; null sends none (for a server run with --no-auth).</summary>
    public string? Token { get; init; }

    /// <summary>Connect with TLS, checking the server as described; null for plain TCP.</summary>
    public ClientTls? Tls { get; init; }

    /// <summary>Results still unacknowledged this long after they were stored are sent again on the same connection.</summary>
    public TimeSpan OutboxResend { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the scripts folder is checked for changes to tell the server.</summary>
    public TimeSpan ScriptsRescan { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a running build's new output is sent to the server (protocol 3 servers only).</summary>
    public TimeSpan LiveOutputTick { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Output bytes sent per <see cref="LiveOutputTick"/> at most, all running builds together (160 KiB/s by default):
    /// a build printing faster loses its oldest unsent output (the server is told how much) rather than flood the link.
    /// </summary>
    public int LiveOutputBytesPerTick { get; init; } = 32 * 1024;

    /// <summary>~/.simplebb (HOME from the environment, so tests and services can point it elsewhere).</summary>
    public static string SimpleBbHome =>
        Path.Combine(Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".simplebb");
}
