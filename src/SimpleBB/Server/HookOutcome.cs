namespace SimpleBB.Server;

/// <summary>How one hook run ended.</summary>
/// <param name="ExitCode">The hook's exit code; null when it could not start or was killed.</param>
/// <param name="TimedOut">Killed (with its process group) at the timeout.</param>
/// <param name="Stopped">Killed because the server was stopping: not marked as hooked, so it runs again after the restart.</param>
/// <param name="StartError">Why it could not start, or null.</param>
/// <param name="LastLines">
/// The last few lines it printed, each cut to a bounded length. Stdout and stderr come through two pipes, so between
/// the two streams the order is only as close as the reads.
/// </param>
/// <param name="ElapsedMs">Wall time from start to end.</param>
internal sealed record HookOutcome(int? ExitCode, bool TimedOut, bool Stopped, string? StartError, IReadOnlyList<string> LastLines, long ElapsedMs)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last line printed, or "(no output)".</summary>
    public string LastLine => LastLines.Count > 0 ? LastLines[^1] : "(no output)";
}
