using SimpleBB.Protocol;

namespace SimpleBB.Store;

/// <summary>
/// The one mapping between <see cref="OutcomeKind"/>, a builder's result message and the store's column text. The
/// text is lowercase and stable (it is what <c>sqlite3 simplebb.db</c> shows and what queries compare with).
/// </summary>
public static class OutcomeKinds
{
    /// <summary>The kind of a validated result message; at most one of its flags is ever true.</summary>
    public static OutcomeKind Of(ResultMessage result) =>
        result.Cancelled ? OutcomeKind.Cancelled
        : result.Interrupted ? OutcomeKind.Interrupted
        : result.TimedOut ? OutcomeKind.Timeout
        : result.MissingScript ? OutcomeKind.NotApplicable
        : result.ExitCode == 0 ? OutcomeKind.Success
        : OutcomeKind.Failed;

    /// <summary>The column text: success, failed, timeout, n-a, cancelled, interrupted, lost.</summary>
    public static string ToText(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Success => "success",
        OutcomeKind.Failed => "failed",
        OutcomeKind.Timeout => "timeout",
        OutcomeKind.NotApplicable => "n-a",
        OutcomeKind.Cancelled => "cancelled",
        OutcomeKind.Interrupted => "interrupted",
        OutcomeKind.Lost => "lost",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such outcome kind"),
    };

    /// <summary>The kind a column text names; an unknown text (a newer version's database) is an error, not a guess.</summary>
    public static OutcomeKind Parse(string text) => text switch
    {
        "success" => OutcomeKind.Success,
        "failed" => OutcomeKind.Failed,
        "timeout" => OutcomeKind.Timeout,
        "n-a" => OutcomeKind.NotApplicable,
        "cancelled" => OutcomeKind.Cancelled,
        "interrupted" => OutcomeKind.Interrupted,
        "lost" => OutcomeKind.Lost,
        _ => throw new FormatException($"unknown outcome kind '{text}' in the results store"),
    };

    /// <summary>
    /// The words server.log, status and the answers show: SUCCESS, FAILED &lt;exit code&gt;, TIMEOUT, N/A, CANCELLED,
    /// INTERRUPTED, LOST. Made from the data, never parsed back.
    /// </summary>
    public static string Words(OutcomeKind kind, int exitCode) => kind switch
    {
        OutcomeKind.Success => Outcomes.Success,
        OutcomeKind.Failed => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Outcomes.FailedPrefix} {exitCode}"),
        OutcomeKind.Timeout => Outcomes.Timeout,
        OutcomeKind.NotApplicable => Outcomes.NotApplicable,
        OutcomeKind.Cancelled => Outcomes.Cancelled,
        OutcomeKind.Interrupted => Outcomes.Interrupted,
        OutcomeKind.Lost => "LOST",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such outcome kind"),
    };
}
