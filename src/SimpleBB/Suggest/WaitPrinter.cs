using SimpleBB.Protocol;

namespace SimpleBB.Suggest;

/// <summary>
/// What <c>simplebb-suggest --wait</c> prints as messages arrive: accepted, results and lost builders
/// (<see cref="WaitReport.Line"/>) and, with <c>--output</c>, the builders' live output line by line, prefixed with
/// "builder| " when the build went to several builders. A failure's output tail is printed only for a builder whose
/// live output was not shown (a server that does not speak protocol 3 sends none).
/// </summary>
public sealed class WaitPrinter(string project, bool output)
{
    private readonly OutputLines _lines = new();
    private readonly HashSet<(string Id, string Builder)> _shown = [];

    /// <summary>The lines to print for one message (none for a chunk that completes no line).</summary>
    public List<string> Lines(SuggestOutcome outcome, Message message)
    {
        var lines = new List<string>();
        switch (message)
        {
            case OutputMessage chunk when output && chunk.Builder is { } builder:
                _shown.Add((chunk.Id, builder));
                foreach (var line in _lines.Add(chunk.Id, builder, chunk.Data))
                {
                    lines.Add(Prefix(outcome, builder) + line);
                }
                break;
            case OutputMessage:
                break;
            case ResultMessage result when result.Builder is { } builder:
                if (_lines.Flush(result.Id, builder) is { } last)
                {
                    lines.Add(Prefix(outcome, builder) + last);
                }
                lines.Add(WaitReport.Line(project, outcome, result, output && !_shown.Contains((result.Id, builder))));
                break;
            default:
                lines.Add(WaitReport.Line(project, outcome, message, output));
                break;
        }
        return lines;
    }

    private static string Prefix(SuggestOutcome outcome, string builder) => outcome.Builders > 1 ? builder + "| " : "";
}
