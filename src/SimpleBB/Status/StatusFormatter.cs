using System.Globalization;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>Renders what simplebb-status prints: aligned tables for a snapshot, one line per event.</summary>
public static class StatusFormatter
{
    public static string Table(Snapshot snapshot)
    {
        var text = new StringBuilder();
        AppendPaused(text, snapshot);
        text.AppendLine(CultureInfo.InvariantCulture, $"BUILDERS ({snapshot.Builders.Length} connected)");
        Append(text, ["NAME", "ADDRESS", "SYSTEM", "RUNTIME", "SCRIPTS", "RUNNING", "CONNECTED SINCE"],
            snapshot.Builders.Select(b => new[]
            {
                b.Name, b.Address, b.Uname is { } u ? $"{u.Sysname} {u.Release} {u.Machine}" : "-", b.Runtime ?? "-",
                b.Scripts.Length == 0 ? "-" : string.Join(",", b.Scripts), b.Running.Length == 0 ? "-" : string.Join(",", b.Running),
                b.ConnectedSince.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            }));
        text.AppendLine();
        var specific = snapshot.Results.GroupBy(r => (r.Project, r.Revision))
            .Select(g => (g.Key, Difference: MachineDifference.Describe(g.Where(r => Outcomes.Verdict(r.Outcome) is not null).Select(r => (r.Outcome == Outcomes.Success, r.Uname, r.Runtime, r.ScriptSha256)))))
            .Where(g => g.Difference is not null)
            .ToDictionary(g => g.Key, g => g.Difference!);
        text.AppendLine(CultureInfo.InvariantCulture, $"LATEST RESULTS ({snapshot.Results.Length})");
        Append(text, [.. ResultHeader, "NOTE"],
            snapshot.Results.OrderBy(r => r.Project, StringComparer.Ordinal).ThenBy(r => r.Revision, StringComparer.Ordinal).ThenBy(r => r.Builder, StringComparer.Ordinal)
                .Select(r => (string[])[.. ResultRow(r), specific.TryGetValue((r.Project, r.Revision), out var d) ? "machine-specific: " + d : ""]));
        return text.ToString();
    }

    /// <summary>
    /// The last results asked for with --project, --builder or --last, in the order the snapshot has them (newest first),
    /// in the columns of the latest results table. No builders and no machine-specific note: a project's results on one
    /// builder, or a revision's older results, say nothing about what differs between machines.
    /// </summary>
    public static string LastResults(Snapshot snapshot, ResultQuery query)
    {
        var text = new StringBuilder();
        AppendPaused(text, snapshot);
        text.AppendLine(CultureInfo.InvariantCulture, $"LAST RESULTS OF {query.Describe()} ({snapshot.Results.Length}, newest first)");
        Append(text, ResultHeader, snapshot.Results.Select(ResultRow));
        return text.ToString();
    }

    private static readonly string[] ResultHeader = ["PROJECT/REVISION", "BUILDER", "RESULT", "DURATION", "BUILD", "FINISHED"];

    private static string[] ResultRow(RecordedResult r) =>
        [$"{r.Project}/{r.Revision}", r.Builder, r.Outcome, $"{r.DurationMs} ms", r.Id, r.Finished.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)];

    private static void AppendPaused(StringBuilder text, Snapshot snapshot)
    {
        if (snapshot.RecordingPaused is { } paused)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"RECORDING PAUSED: {paused}; results wait in the builders' outboxes and suggestions are refused");
            text.AppendLine();
        }
    }

    /// <summary>The output lines a chunk of live output completes, each as "builder| line" and a newline.</summary>
    public static string Output(OutputLines lines, OutputMessage chunk)
    {
        var text = new StringBuilder();
        foreach (var line in lines.Add(chunk.Id, chunk.Builder ?? "?", chunk.Data))
        {
            text.Append(chunk.Builder).Append("| ").Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Before a result event: the unfinished last output line of that build on that builder, if any.</summary>
    public static string OutputEnd(OutputLines lines, EventMessage e) =>
        e is { Kind: "result", Id: { } id, Builder: { } builder } && lines.Flush(id, builder) is { } last ? $"{builder}| {last}\n" : "";

    public static string Line(EventMessage e)
    {
        var time = e.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var build = e.Project is null ? "" : $" {e.Project}/{e.Revision}";
        var id = e.Id is null ? "" : $" [build {e.Id}]";
        return e.Kind switch
        {
            "connected" => $"{time} connected    {e.Builder} ({e.Address})",
            "disconnected" => $"{time} disconnected {e.Builder} ({e.Address}): {e.Detail}",
            "suggested" => $"{time} suggested   {build.Trim()}{id}: {e.Detail}",
            "started" => $"{time} started     {build.Trim()} on {e.Builder}{id}",
            "result" => $"{time} {e.Detail}{build} on {e.Builder}{id}",
            "recording" => $"{time} recording   {e.Detail}",
            _ => $"{time} {e.Kind}{build}{id}",
        };
    }

    private static void Append(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToArray();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
