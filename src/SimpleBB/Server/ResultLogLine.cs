using System.Text.RegularExpressions;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The shape of a result in server.log, written through Serilog and read back at start-up to rebuild the set of
/// results already recorded. Keep <see cref="Template"/> and <see cref="Pattern"/> in step.
/// </summary>
internal static partial class ResultLogLine
{
    public const string Template =
        "{Outcome} {Project}/{Revision} on {Builder} ({Sysname} {Release} {Machine}, {Runtime}) in {DurationMs} ms [build {BuildId}] from {Address}";

    /// <summary>The same, naming the file that holds the output tail.</summary>
    public const string TemplateWithOutput = Template + ", output in {OutputFile}";

    /// <summary>Finds the builder and build id in a result line, or returns false for any other line.</summary>
    public static bool TryParse(string line, out string builder, out string buildId)
    {
        var match = Pattern().Match(line);
        builder = match.Success ? match.Groups["builder"].Value : "";
        buildId = match.Success ? match.Groups["id"].Value : "";
        return match.Success;
    }

    [GeneratedRegex(@"\] (?:SUCCESS|TIMEOUT|N/A|FAILED -?\d+) \S+ on (?<builder>\S+) \(.* ms \[build (?<id>[^\]\s]+)\] from ", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
