namespace SimpleBB.Builder;

/// <summary>How one script run ended, before it becomes a result message.</summary>
public sealed record BuildOutcome(int ExitCode, bool TimedOut, long DurationMs, string Output, string? LogFile)
{
    /// <summary>There was no script for the project.</summary>
    public bool MissingScript { get; init; }

    /// <summary>SHA-256 of the script that ran.</summary>
    public string? ScriptSha256 { get; init; }

    /// <summary>The builder stopped the build because it was shutting down (INTERRUPTED, not a failure).</summary>
    public bool Interrupted { get; init; }

    /// <summary>Someone cancelled the build: dropped before it started, or stopped (CANCELLED, not a failure).</summary>
    public bool Cancelled { get; init; }
}
