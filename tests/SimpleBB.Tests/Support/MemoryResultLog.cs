using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Tests.Support;

/// <summary>server.log as a list of lines: fails on demand, and can "crash" after writing (lines in, then an error).</summary>
internal sealed class MemoryResultLog : IResultLog
{
    private readonly List<string> _lines = [];

    /// <summary>A copy, safe to read while the recorder writes.</summary>
    public string[] Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Every write fails while set.</summary>
    public volatile bool Broken;

    /// <summary>The next write reaches the file and then fails (written, but not known to be complete).</summary>
    public volatile bool FailAfterNextWrite;

    public long Position => Lines.Length;

    public static string Line(RecordedResult e) => $"{e.Finished:O} {e.Outcome} {e.Project}/{e.Revision} on {e.Builder} [build {e.Id}]";

    public void Write(IReadOnlyList<RecordedResult> entries)
    {
        if (Broken)
        {
            throw new IOException("No space left on device : 'server.log'");
        }
        lock (_lines)
        {
            _lines.AddRange(entries.Select(Line));
        }
        if (FailAfterNextWrite)
        {
            FailAfterNextWrite = false;
            throw new IOException("Input/output error : 'server.log'");
        }
    }

    public void Sync()
    {
        if (Broken)
        {
            throw new IOException("No space left on device : 'server.log'");
        }
    }

    public IReadOnlyList<RecordedResult> Missing(IReadOnlyList<RecordedResult> entries, long from)
    {
        if (Broken)
        {
            throw new IOException("No space left on device : 'server.log'");
        }
        var present = Lines.Skip((int)Math.Max(0, from)).ToHashSet();
        return [.. entries.Where(e => !present.Contains(Line(e)))];
    }

    public int Count(string id, string builder) => Lines.Count(l => l.EndsWith($" on {builder} [build {id}]", StringComparison.Ordinal));
}
