using System.Text;

namespace SimpleBB.Builder;

/// <summary>Keeps only the last <c>capacity</c> bytes written, so a build that prints gigabytes costs no memory.</summary>
public sealed class OutputTail(int capacity)
{
    private readonly byte[] _ring = new byte[capacity];
    private long _written;

    public long TotalBytes => _written;

    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_ring)
        {
            if (data.Length >= capacity)
            {
                data[^capacity..].CopyTo(_ring);
                _written += data.Length;
                // Re-align so the ring's logical start is index 0.
                var shift = (int)(_written % capacity);
                if (shift != 0)
                {
                    var copy = _ring.ToArray();
                    for (var i = 0; i < capacity; i++)
                    {
                        _ring[(shift + i) % capacity] = copy[i];
                    }
                }
                return;
            }
            var start = (int)(_written % capacity);
            var first = Math.Min(capacity - start, data.Length);
            data[..first].CopyTo(_ring.AsSpan(start));
            data[first..].CopyTo(_ring);
            _written += data.Length;
        }
    }

    /// <summary>The tail as text; a character cut in half at the start is dropped.</summary>
    public override string ToString()
    {
        lock (_ring)
        {
            byte[] bytes;
            if (_written <= capacity)
            {
                bytes = _ring[..(int)_written];
            }
            else
            {
                var start = (int)(_written % capacity);
                bytes = [.. _ring[start..], .. _ring[..start]];
            }
            var skip = 0;
            while (_written > capacity && skip < bytes.Length && skip < 3 && (bytes[skip] & 0xC0) == 0x80)
            {
                skip++;
            }
            return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
        }
    }
}
