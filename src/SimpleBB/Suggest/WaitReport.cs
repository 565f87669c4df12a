using System.Globalization;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Suggest;

/// <summary>What <c>simplebb-suggest --wait</c> prints and which exit code it ends with. Pure functions of the outcomes.</summary>
public static class WaitReport
{
    /// <summary>Every applicable builder passed.</summary>
    public const int Passed = 0;

    /// <summary>A builder failed or its build timed out.</summary>
    public const int Failed = 1;

    /// <summary>No builder could build it: none received it, or none has a script for the project.</summary>
    public const int NotApplicable = 4;

    /// <summary>
    /// The wait ended without an answer from every builder (deadline, builders disconnected, or a builder was shut down
    /// mid-build and reported INTERRUPTED).
    /// </summary>
    public const int Unanswered = 5;

    /// <summary>None failed and every builder answered, but the build was cancelled on at least one of them.</summary>
    public const int Cancelled = 6;

    /// <summary>PASS, FAIL &lt;code&gt;, TIMEOUT, N/A, CANCELLED or INTERRUPTED.</summary>
    public static string Verdict(ResultMessage result) => result.Outcome switch
    {
        Outcomes.Success => "PASS",
        { } outcome when outcome.StartsWith(Outcomes.FailedPrefix, StringComparison.Ordinal) => "FAIL " + result.ExitCode.ToString(CultureInfo.InvariantCulture),
        { } outcome => outcome,
    };

    /// <summary>One line per result or lost builder, as it arrives; with <paramref name="output"/>, a failure's output tail follows.</summary>
    public static string Line(string project, SuggestOutcome outcome, Message message, bool output)
    {
        switch (message)
        {
            case ResultMessage result:
                var line = $"{Verdict(result),-8} {project} {outcome.Revision} on {result.Builder} in {result.DurationMs} ms " +
                           $"({result.Uname.Sysname} {result.Uname.Release} {result.Uname.Machine}, {result.Runtime})";
                if (!output || Outcomes.Verdict(result.Outcome) != false || result.Output.Length == 0)
                {
                    return line;
                }
                var text = new StringBuilder(line);
                foreach (var outputLine in result.Output.TrimEnd().Split('\n'))
                {
                    text.Append('\n').Append("    ").Append(result.Builder).Append("| ").Append(outputLine.TrimEnd('\r'));
                }
                return text.ToString();
            case Accepted accepted:
                return $"{project} {outcome.Revision}: build {accepted.Id} sent to {accepted.Builders} builder{(accepted.Builders == 1 ? "" : "s")}";
            case LostMessage lost:
                return $"{"LOST",-8} {project} {outcome.Revision} on {lost.Builder}: disconnected ({lost.Reason})";
            default:
                return "";
        }
    }

    /// <summary>"foo master [build id]: 2 passed, 1 failed, 1 not applicable; no answer from: c, d".</summary>
    public static string Summary(string project, SuggestOutcome outcome)
    {
        var results = outcome.Results;
        var parts = new List<string>
        {
            $"{results.Count(r => Verdict(r) == "PASS")} passed",
            $"{results.Count(r => Verdict(r).StartsWith("FAIL", StringComparison.Ordinal))} failed",
        };
        Add(parts, results.Count(r => r.TimedOut), "timed out");
        Add(parts, results.Count(r => r.MissingScript), "not applicable");
        Add(parts, results.Count(r => r.Cancelled), "cancelled");
        Add(parts, results.Count(r => r.Interrupted), "interrupted");
        var summary = $"{project} {outcome.Revision} [build {outcome.BuildId}] on {outcome.Builders} builder{(outcome.Builders == 1 ? "" : "s")}: {string.Join(", ", parts)}";
        if (MachineDifference.Describe(results.Where(r => Outcomes.Verdict(r.Outcome) is not null).Select(r => (Verdict(r) == "PASS", r.Uname, r.Runtime, r.ScriptSha256))) is { } difference)
        {
            summary += $"; machine-specific: {difference}";
        }
        var missing = outcome.Silent.Concat(outcome.Lost.Select(l => l.Builder).Except(results.Select(r => r.Builder!))).Distinct().ToArray();
        return missing.Length == 0 ? summary : $"{summary}; no answer from: {string.Join(", ", missing)}";
    }

    /// <summary>The exit code for all the builds waited for: the worst of them.</summary>
    public static int ExitCode(IEnumerable<SuggestOutcome> outcomes)
    {
        var all = outcomes.ToArray();
        var results = all.SelectMany(o => o.Results).ToArray();
        if (results.Any(r => Outcomes.Verdict(r.Outcome) == false))
        {
            return Failed;
        }
        if (results.Any(r => r.Interrupted) || all.Any(o => !o.Settled || o.Lost.Any(l => !o.Results.Exists(r => r.Builder == l.Builder))))
        {
            return Unanswered;
        }
        if (results.Any(r => r.Cancelled))
        {
            return Cancelled;
        }
        return results.Any(r => !r.MissingScript) ? Passed : NotApplicable;
    }

    private static void Add(List<string> parts, int count, string what)
    {
        if (count > 0)
        {
            parts.Add($"{count} {what}");
        }
    }
}
