using System.Buffers;
using System.Text;

namespace SimpleBB.Tests.Support;

/// <summary>Builds <see cref="ReadOnlySequence{T}"/>s the way a pipe hands them out: one or several segments.</summary>
internal static class Segments
{
    /// <summary>One segment per chunk (empty chunks included), so lines and CRLFs can straddle segment boundaries.</summary>
    public static ReadOnlySequence<byte> Of(params byte[][] chunks)
    {
        if (chunks.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(chunks[0], 0);
        var last = first;
        for (var i = 1; i < chunks.Length; i++)
        {
            last = last.Append(chunks[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per string, ASCII/UTF-8 encoded.</summary>
    public static ReadOnlySequence<byte> Of(params string[] chunks) =>
        Of(chunks.Select(c => Encoding.UTF8.GetBytes(c)).ToArray());

    /// <summary>Every byte in a segment of its own.</summary>
    public static ReadOnlySequence<byte> ByteByByte(ReadOnlySpan<byte> bytes)
    {
        var chunks = new byte[bytes.Length][];
        for (var i = 0; i < bytes.Length; i++)
        {
            chunks[i] = [bytes[i]];
        }
        return Of(chunks);
    }

    public static ReadOnlySequence<byte> Single(string text) => new(Encoding.UTF8.GetBytes(text));

    public static string Text(in ReadOnlySequence<byte> sequence) => Encoding.UTF8.GetString(sequence.ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
