using System.Text;

namespace SimpleBB.Protocol;

/// <summary>
/// Turns chunks of live output (which split lines anywhere) back into whole lines, per build and builder, for printing.
/// Bounded: a partial line longer than <c>maxLineChars</c> is printed as it is, and at most <c>maxStreams</c> partial
/// lines are kept (the oldest is given up for a new one), so a follower never holds more than a few megabytes.
/// </summary>
public sealed class OutputLines(int maxLineChars = 4096, int maxStreams = 1000)
{
    private readonly Dictionary<(string Id, string Builder), StringBuilder> _partial = [];
    private readonly Queue<(string Id, string Builder)> _order = new();

    /// <summary>Partial lines kept now.</summary>
    public int Streams => _partial.Count;

    /// <summary>Adds a chunk; returns the lines it completes (without their line ends).</summary>
    public List<string> Add(string id, string builder, string data)
    {
        var lines = new List<string>();
        var key = (id, builder);
        _partial.TryGetValue(key, out var partial);
        var from = 0;
        while (from < data.Length)
        {
            var end = data.IndexOf('\n', from);
            var piece = data.AsSpan(from, (end < 0 ? data.Length : end) - from);
            if (end < 0)
            {
                partial ??= Start(key);
                partial.Append(piece);
                while (partial.Length > maxLineChars)
                {
                    lines.Add(partial.ToString(0, maxLineChars));
                    partial.Remove(0, maxLineChars);
                }
                break;
            }
            if (partial is { Length: > 0 })
            {
                partial.Append(piece);
                lines.Add(Trim(partial.ToString()));
                partial.Clear();
            }
            else
            {
                lines.Add(Trim(piece.ToString()));
            }
            from = end + 1;
        }
        if (partial is { Length: 0 })
        {
            _partial.Remove(key);
        }
        return lines;
    }

    /// <summary>The build is over on that builder: its unfinished last line, if any (and it is forgotten).</summary>
    public string? Flush(string id, string builder) =>
        _partial.Remove((id, builder), out var partial) && partial.Length > 0 ? Trim(partial.ToString()) : null;

    private StringBuilder Start((string Id, string Builder) key)
    {
        while (_partial.Count >= maxStreams && _order.TryDequeue(out var oldest))
        {
            _partial.Remove(oldest);
        }
        var partial = new StringBuilder();
        _partial[key] = partial;
        _order.Enqueue(key);
        return partial;
    }

    private static string Trim(string line) => line.EndsWith('\r') ? line[..^1] : line;
}
