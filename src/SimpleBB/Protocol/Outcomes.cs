namespace SimpleBB.Protocol;

/// <summary>
/// The words a result is shown with (server.log, history, status, --wait, hooks), derived in one place so that every
/// part of SimpleBB names and counts an outcome the same way.
/// </summary>
public static class Outcomes
{
    public const string Success = "SUCCESS";
    public const string Timeout = "TIMEOUT";
    public const string NotApplicable = "N/A";
    public const string Cancelled = "CANCELLED";
    public const string Interrupted = "INTERRUPTED";

    /// <summary>FAILED followed by the exit code, e.g. "FAILED 2".</summary>
    public const string FailedPrefix = "FAILED";

    /// <summary>The outcome of a result's fields; at most one flag is ever true (results are validated).</summary>
    public static string Of(int exitCode, bool timedOut, bool missingScript, bool cancelled, bool interrupted) =>
        cancelled ? Cancelled
        : interrupted ? Interrupted
        : timedOut ? Timeout
        : missingScript ? NotApplicable
        : exitCode == 0 ? Success
        : $"{FailedPrefix} {exitCode}";

    /// <summary>
    /// What an outcome says about the revision: true passed, false failed (FAILED, TIMEOUT), null says nothing (N/A,
    /// CANCELLED, INTERRUPTED: the build did not run to its end, so it is never counted as a failure).
    /// </summary>
    public static bool? Verdict(string outcome) => outcome switch
    {
        Success => true,
        NotApplicable or Cancelled or Interrupted => null,
        _ => false,
    };

    /// <summary>The lowercase word for scripts and environment variables: success, failed, timeout, n-a, cancelled, interrupted.</summary>
    public static string Word(string outcome) => outcome switch
    {
        Success => "success",
        Timeout => "timeout",
        NotApplicable => "n-a",
        Cancelled => "cancelled",
        Interrupted => "interrupted",
        _ => "failed",
    };
}
