namespace SimpleBB.Builder;

/// <summary>How one script run ended, before it becomes a result message.</summary>
public sealed record BuildOutcome(int ExitCode, bool TimedOut, long DurationMs, string Output, string? LogFile)
{
    /// <summary>There was no script for the project.</summary>
    public bool MissingScript { get; init; }
}
