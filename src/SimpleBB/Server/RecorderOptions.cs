namespace SimpleBB.Server;

/// <summary>How the <see cref="ResultRecorder"/> retries after a failure to write.</summary>
internal sealed record RecorderOptions
{
    /// <summary>First delay before writing is tried again after a failure; it doubles up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between tries: recording resumes within this long of the disk taking writes again.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Also write "cannot record" to stderr directly (when the log does not go to the console).</summary>
    public bool AlertOnStderr { get; init; }

    /// <summary>Retention: results (and their output files) older than this many days are deleted; null keeps them all.</summary>
    public int? KeepDays { get; init; }

    /// <summary>Retention: only the newest this many results (and their output files) are kept; null keeps them all.</summary>
    public long? KeepResults { get; init; }

    /// <summary>How often retention runs (also once at start).</summary>
    public TimeSpan RetentionEvery { get; init; } = TimeSpan.FromMinutes(10);
}
