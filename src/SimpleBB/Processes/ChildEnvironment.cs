using System.Collections;

namespace SimpleBB.Processes;

/// <summary>
/// The one environment rule for everything a daemon starts (build scripts and result hooks alike): the daemon's own
/// environment, less the variables that configure SimpleBB itself (its settings and secrets: a build has no business
/// with the builder's token, and a hook none with the server's) and less systemd's per-service variables (a child must
/// not report the daemon ready or stopping), plus the child's own SIMPLEBB_* variables, which win. Other variables,
/// including SIMPLEBB_* ones that SimpleBB does not read (SIMPLEBB_MAIL_TO for a mail hook), pass through.
/// </summary>
public static class ChildEnvironment
{
    /// <summary>Variables SimpleBB's programs read as settings; a test checks that every option's variable is here.</summary>
    public static readonly IReadOnlySet<string> Settings = new HashSet<string>(StringComparer.Ordinal)
    {
        "SIMPLEBB_BUILD_TIMEOUT", "SIMPLEBB_BUILDER_LOG_FILE", "SIMPLEBB_CANCEL_BUILDER", "SIMPLEBB_CANCEL_GRACE", "SIMPLEBB_DATA_DIR", "SIMPLEBB_STORE", "SIMPLEBB_KEEP_DAYS", "SIMPLEBB_KEEP_RESULTS",
        "SIMPLEBB_HEARTBEAT", "SIMPLEBB_HELLO_TIMEOUT", "SIMPLEBB_HISTORY_FILE", "SIMPLEBB_HOST", "SIMPLEBB_HTTP", "SIMPLEBB_JOBS",
        "SIMPLEBB_LISTEN", "SIMPLEBB_LOG_FILE", "SIMPLEBB_LOG_KEEP", "SIMPLEBB_LOG_MAX_MB", "SIMPLEBB_MAX_CONNECTIONS",
        "SIMPLEBB_MAX_LINE_BYTES", "SIMPLEBB_MAX_OUTPUT_MB", "SIMPLEBB_MAX_PENDING", "SIMPLEBB_NAME", "SIMPLEBB_NO_AUTH",
        "SIMPLEBB_ON_RESULT", "SIMPLEBB_ON_RESULT_JOBS", "SIMPLEBB_ON_RESULT_TIMEOUT", "SIMPLEBB_PORT", "SIMPLEBB_QUIET",
        "SIMPLEBB_SCRIPTS", "SIMPLEBB_SHUTDOWN_GRACE", "SIMPLEBB_TIMEOUT", "SIMPLEBB_TLS", "SIMPLEBB_TLS_CA", "SIMPLEBB_TLS_CERT",
        "SIMPLEBB_TLS_CERT_PASSWORD", "SIMPLEBB_TLS_FINGERPRINT", "SIMPLEBB_TLS_KEY", "SIMPLEBB_TOKEN", "SIMPLEBB_TOKEN_FILE",
    };

    /// <summary>What systemd gives one service: its notification socket, watchdog and socket activation.</summary>
    private static readonly string[] ServiceVariables = ["NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"];

    /// <summary>The child's environment as NAME=value entries, made from this process's environment.</summary>
    public static List<string> For(IReadOnlyDictionary<string, string> variables) => For(Environment.GetEnvironmentVariables(), variables);

    /// <summary>The child's environment as NAME=value entries, made from <paramref name="inherited"/>.</summary>
    public static List<string> For(IDictionary inherited, IReadOnlyDictionary<string, string> variables)
    {
        var entries = new List<string>();
        foreach (DictionaryEntry entry in inherited)
        {
            var name = (string)entry.Key;
            if (!Settings.Contains(name) && !variables.ContainsKey(name) && Array.IndexOf(ServiceVariables, name) < 0)
            {
                entries.Add(name + "=" + (string?)entry.Value);
            }
        }
        foreach (var (name, value) in variables)
        {
            entries.Add(name + "=" + value);
        }
        return entries;
    }
}
