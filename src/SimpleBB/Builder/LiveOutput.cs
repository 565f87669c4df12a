using System.Globalization;
using System.Text;

namespace SimpleBB.Builder;

/// <summary>
/// The output of a running build on its way to the server: a bounded ring that the script's output pump writes into
/// without ever waiting, and that the connection drains at its own pace. When the connection cannot keep up (a slow
/// or absent server) the oldest bytes are dropped and the next chunk starts with
/// "[simplebb: N bytes of output skipped]", so a script never slows down and the builder holds at most
/// <c>capacity</c> bytes per build. Chunks are cut on UTF-8 character boundaries.
/// </summary>
public sealed class LiveOutput
{
    private readonly byte[] _ring;
    private readonly object _gate = new();

    /// <summary>Absolute position (bytes ever written) of the oldest byte kept, and of the end.</summary>
    private long _start;
    private long _end;

    /// <summary>Bytes dropped since the last chunk taken: the next chunk says so.</summary>
    private long _skipped;

    /// <summary>Whether the last byte taken ended a line, so a skip note starts on a line of its own.</summary>
    private bool _atLineStart = true;

    public LiveOutput(int capacity = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 4);
        _ring = new byte[capacity];
    }

    /// <summary>Bytes written and not yet taken.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return (int)(_end - _start);
            }
        }
    }

    /// <summary>Every byte dropped so far (for the builder's log).</summary>
    public long TotalSkipped { get; private set; }

    /// <summary>Appends output; never waits for the reader. When the ring is full the oldest bytes are dropped.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var capacity = _ring.Length;
            if (data.Length > capacity)
            {
                var lost = _end - _start + data.Length - capacity;
                _skipped += lost;
                TotalSkipped += lost;
                _end += data.Length - capacity;
                _start = _end;
                data = data[^capacity..];
            }
            var overflow = _end - _start + data.Length - capacity;
            if (overflow > 0)
            {
                Drop(overflow);
            }
            var at = (int)(_end % capacity);
            var first = Math.Min(capacity - at, data.Length);
            data[..first].CopyTo(_ring.AsSpan(at));
            data[first..].CopyTo(_ring);
            _end += data.Length;
            // Never start the kept output in the middle of a character.
            while (_skipped > 0 && _start < _end && (_ring[_start % capacity] & 0xC0) == 0x80)
            {
                _start++;
                _skipped++;
                TotalSkipped++;
            }
        }
    }

    /// <summary>
    /// Takes up to <paramref name="maxBytes"/> of output (ending on a character boundary) and hands it to
    /// <paramref name="send"/> with the number of bytes skipped before it; the bytes are removed only if it returns
    /// true, otherwise they stay for the next attempt. Runs <paramref name="send"/> under the ring's lock, so it must
    /// only enqueue. Returns the output bytes taken: 0 when there was nothing to take (or only a skip note),
    /// -1 when <paramref name="send"/> refused.
    /// </summary>
    public int TryTake(int maxBytes, Func<string, long, bool> send)
    {
        lock (_gate)
        {
            var length = (int)Math.Min(_end - _start, maxBytes);
            if (length == 0 && _skipped == 0)
            {
                return 0;
            }
            var capacity = _ring.Length;
            var bytes = new byte[length];
            var at = (int)(_start % capacity);
            var first = Math.Min(capacity - at, length);
            _ring.AsSpan(at, first).CopyTo(bytes);
            _ring.AsSpan(0, length - first).CopyTo(bytes.AsSpan(first));
            if (_start + length < _end)
            {
                var whole = CharacterBoundary(bytes, length);
                length = whole > 0 ? whole : length;
            }
            var text = Encoding.UTF8.GetString(bytes, 0, length);
            if (_skipped > 0)
            {
                var note = string.Create(CultureInfo.InvariantCulture, $"[simplebb: {_skipped} bytes of output skipped]\n");
                text = (_atLineStart ? "" : "\n") + note + text;
            }
            if (!send(text, _skipped))
            {
                return -1;
            }
            _start += length;
            _skipped = 0;
            _atLineStart = text[^1] == '\n';
            return length;
        }
    }

    /// <summary>Drops the oldest <paramref name="count"/> bytes.</summary>
    private void Drop(long count)
    {
        count = Math.Min(count, _end - _start);
        _start += count;
        _skipped += count;
        TotalSkipped += count;
    }

    /// <summary>The longest prefix of <paramref name="bytes"/> that does not end in the middle of a character.</summary>
    private static int CharacterBoundary(byte[] bytes, int length)
    {
        // Look back at most three bytes for the lead byte of the last character.
        for (var back = 1; back <= Math.Min(4, length); back++)
        {
            var b = bytes[length - back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: keep looking for its lead byte
            }
            var needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? length - back : length;
        }
        return length; // not UTF-8 at all: cut anywhere, it becomes U+FFFD either way
    }
}
