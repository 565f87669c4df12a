using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>Everything the server can be told; each default is what a one-machine quick start needs.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to listen on; 0.0.0.0 accepts builders from other machines.</summary>
    public string Listen { get; init; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = ProtocolLimits.DefaultPort;

    /// <summary>Name the server gives in welcome.</summary>
    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Longest accepted line; a longer one is refused before it is buffered and the connection is closed.</summary>
    public int MaxLineBytes { get; init; } = ProtocolLimits.DefaultMaxLineBytes;

    /// <summary>A connection that has not said hello by then is closed.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections beyond this are refused with an error.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Messages queued for one peer; a peer that lets its queue fill is disconnected.</summary>
    public int MaxPendingMessages { get; init; } = 1024;

    /// <summary>Ping interval; a peer silent for three intervals is considered gone.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Builds one builder may have unanswered before the oldest are forgotten.</summary>
    public int MaxOutstandingPerBuilder { get; init; } = 10_000;

    /// <summary>The shared secret every hello must carry; null turns authentication off.</summary>
    public string? Token { get; init; }

    /// <summary>When set, every connection is TLS with this certificate.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>The results store (SQLite): every build and result; null: simplebb.db beside server.log.</summary>
    public string? StoreFile { get; init; }

    /// <summary>
    /// The result journal of versions before the store (history.jsonl), imported into the store once at start when it
    /// exists, then renamed; null: history.jsonl beside server.log.
    /// </summary>
    public string? HistoryFile { get; init; }

    /// <summary>Folder under which logs/&lt;project&gt;/&lt;id&gt;-&lt;builder&gt;.log files are written; null: the folder of server.log.</summary>
    public string? OutputFolder { get; init; }

    /// <summary>A build's output file under logs/ stops growing at this size (live output beyond it is not kept; the tail is).</summary>
    public long MaxOutputFileBytes { get; init; } = OutputFiles.DefaultMaxFileBytes;

    /// <summary>
    /// Latest results (per project, revision and builder) kept in memory for status and the machine-specific check.
    /// The store has every result (status --last, the page and the API read it), so this is what a person reads at
    /// a glance, not the history; each costs memory and start-up time.
    /// </summary>
    public int MaxLatestResults { get; init; } = 1_000;

    /// <summary>Script run for every recorded result (--on-result), or null for none.</summary>
    public string? OnResult { get; init; }

    /// <summary>Result hooks running at once; one project's hooks always run one after another.</summary>
    public int OnResultJobs { get; init; } = 2;

    /// <summary>A result hook still running then is killed with its process group.</summary>
    public TimeSpan OnResultTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Results waiting for their hook in memory; more wait in the results store and are read as these end.</summary>
    public int OnResultQueue { get; init; } = 10_000;

    /// <summary>
    /// The web dashboard's base URL (e.g. http://127.0.0.1:7901/), for links to a build's page; null when it is off
    /// (--http off). Messages and hooks that mention a build can point at <c>{WebBaseUrl}build/{id}</c>.
    /// </summary>
    public string? WebBaseUrl { get; init; }

    /// <summary>How recording retries after a failure to write.</summary>
    internal RecorderOptions Recording { get; init; } = new();
}
