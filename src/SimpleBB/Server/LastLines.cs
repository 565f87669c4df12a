using System.Text;

namespace SimpleBB.Server;

/// <summary>
/// Keeps the last few lines of a child's output, each cut to <see cref="MaxLineChars"/>, so that a chatty or endless
/// hook costs a fixed amount of memory. Output streams may feed one instance from several pumps; it locks.
/// </summary>
internal sealed class LastLines(int keep)
{
    public const int MaxLineChars = 300;

    private readonly object _gate = new();
    private readonly Queue<string> _lines = new();

    /// <summary>Reads <paramref name="stream"/> to its end, keeping its last lines; never throws for a closed stream.</summary>
    public async Task PumpAsync(Stream stream)
    {
        var partial = new StringBuilder();
        var buffer = new char[4096];
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                foreach (var c in buffer.AsSpan(0, read))
                {
                    if (c == '\n')
                    {
                        Add(partial.ToString());
                        partial.Clear();
                    }
                    else if (c != '\r' && partial.Length < MaxLineChars)
                    {
                        partial.Append(c);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The child is gone; what was read is enough.
        }
        if (partial.Length > 0)
        {
            Add(partial.ToString());
        }
    }

    public string[] ToArray()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    private void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }
        lock (_gate)
        {
            _lines.Enqueue(line.TrimEnd());
            while (_lines.Count > keep)
            {
                _lines.Dequeue();
            }
        }
    }
}
