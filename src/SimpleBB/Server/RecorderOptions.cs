namespace SimpleBB.Server;

/// <summary>How the <see cref="ResultRecorder"/> remembers results and retries after a failure to write.</summary>
internal sealed record RecorderOptions
{
    /// <summary>Results remembered (by build id and builder) so that a resent one is acknowledged, not recorded twice.</summary>
    public int Remember { get; init; } = 1_000_000;

    /// <summary>First delay before writing is tried again after a failure; it doubles up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Also write "cannot record" to stderr directly (when the log does not go to the console).</summary>
    public bool AlertOnStderr { get; init; }
}
