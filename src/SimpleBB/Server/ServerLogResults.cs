using System.Text;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Result lines in server.log, made from stored results alone: the line's time is the entry's, so writing an entry's
/// line again after a crash gives the same bytes, and "is this line already there?" is an exact comparison.
/// The lines go through the logger, so they reach the console too; the sink syncs them to disk.
/// </summary>
internal sealed class ServerLogResults(ILogger log, FileLogSink sink) : IResultLog
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse(
        "{Outcome} {Project}/{Revision} on {Builder} ({Sysname} {Release} {Machine}, {Runtime}) in {DurationMs} ms [build {BuildId}] from {Address}");

    private static readonly MessageTemplate TemplateWithOutput = new MessageTemplateParser().Parse(
        Template.Text + ", output in {OutputFile}");

    private readonly ITextFormatter _formatter = LogSetup.FileFormatter();

    public long Position => sink.Position;

    public void Write(IReadOnlyList<RecordedResult> entries)
    {
        using (FileLogSink.BeginBatch())
        {
            foreach (var entry in entries)
            {
                log.Write(Event(entry));
            }
        }
        sink.Flush(toDisk: false);
    }

    public void Sync() => sink.Flush(toDisk: true);

    public IReadOnlyList<RecordedResult> Missing(IReadOnlyList<RecordedResult> entries, long from)
    {
        var wanted = new Dictionary<string, RecordedResult>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            wanted.TryAdd(Line(entry), entry);
        }
        var current = sink.FilePath;
        var (currentStart, previousLength) = sink.Parts;
        if (from < currentStart)
        {
            // Unknown (-1), or written before a rotation: the line may be in the previous part, or anywhere in the current file.
            RemoveFound(current + ".1", from < 0 ? 0 : Math.Max(0, from - (currentStart - previousLength)), wanted);
            from = currentStart;
        }
        RemoveFound(current, from - currentStart, wanted);
        return [.. entries.Where(e => wanted.ContainsKey(Line(e)))];
    }

    /// <summary>The line as the file holds it, without its newline.</summary>
    internal string Line(RecordedResult entry)
    {
        using var text = new StringWriter();
        _formatter.Format(Event(entry), text);
        return text.ToString().TrimEnd('\r', '\n');
    }

    private static void RemoveFound(string path, long from, Dictionary<string, RecordedResult> wanted)
    {
        if (wanted.Count == 0 || !File.Exists(path))
        {
            return;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        stream.Position = Math.Min(from, stream.Length);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        while (wanted.Count > 0 && reader.ReadLine() is { } line)
        {
            wanted.Remove(line);
        }
    }

    private static LogEvent Event(RecordedResult e)
    {
        var withOutput = !string.IsNullOrEmpty(e.Output);
        var properties = new List<LogEventProperty>(12)
        {
            new("Outcome", new ScalarValue(e.Outcome)),
            new("Project", new ScalarValue(e.Project)),
            new("Revision", new ScalarValue(e.Revision)),
            new("Builder", new ScalarValue(e.Builder)),
            new("Sysname", new ScalarValue(e.Uname.Sysname)),
            new("Release", new ScalarValue(e.Uname.Release)),
            new("Machine", new ScalarValue(e.Uname.Machine)),
            new("Runtime", new ScalarValue(e.Runtime)),
            new("DurationMs", new ScalarValue(e.DurationMs)),
            new("BuildId", new ScalarValue(e.Id)),
            new("Address", new ScalarValue(e.Address ?? "unknown")),
        };
        if (withOutput)
        {
            properties.Add(new("OutputFile", new ScalarValue(OutputFiles.RelativePath(e.Project, e.Id, e.Builder))));
        }
        return new LogEvent(e.Finished, LogEventLevel.Information, null, withOutput ? TemplateWithOutput : Template, properties);
    }
}
