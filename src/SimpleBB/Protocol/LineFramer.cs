using System.Buffers;

namespace SimpleBB.Protocol;

/// <summary>
/// Splits a byte stream into newline-terminated lines. Pure: it only looks at the buffer it is given.
/// It remembers how far it already searched, so a peer that trickles a long line byte by byte costs
/// linear rather than quadratic work, and it refuses a line longer than the limit before it is complete,
/// so a peer can never make the reader hold more than the limit.
/// </summary>
public struct LineFramer(int maxLineBytes)
{
    private long _searched;

    public readonly int MaxLineBytes => maxLineBytes;

    /// <summary>
    /// Takes the next line (without "\n" and an optional "\r" before it) from the front of
    /// <paramref name="buffer"/>, which is advanced past it.
    /// </summary>
    public FrameStatus TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var unsearched = buffer.Slice(Math.Min(_searched, buffer.Length));
        var newline = unsearched.PositionOf((byte)'\n');
        if (newline is null)
        {
            _searched = buffer.Length;
            line = default;
            // A line of exactly the maximum may be waiting for its "\n" after a "\r" that does not count.
            var tooLong = buffer.Length > maxLineBytes + 1L
                || (buffer.Length == maxLineBytes + 1L && !EndsWithCarriageReturn(buffer));
            return tooLong ? FrameStatus.TooLong : FrameStatus.NeedMore;
        }

        _searched = 0;
        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        if (line.Length > 0 && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }
        return line.Length > maxLineBytes ? FrameStatus.TooLong : FrameStatus.Line;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
