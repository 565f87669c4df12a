namespace SimpleBB.Protocol;

/// <summary>
/// A first-in first-out queue of frames that holds its first frame in place and allocates a <see cref="Queue{T}"/> only
/// when a second one waits. An idle connection's queue is empty nearly all the time and rarely holds more than one frame,
/// and a <see cref="Queue{T}"/> costs about 130 bytes per connection once anything was sent (memory per connection is what
/// limits a server with 10,000 builders). A mutable struct: keep it in a field and call it there, never copy it. Not
/// thread-safe: its owner locks.
/// </summary>
internal struct FrameQueue
{
    private ReadOnlyMemory<byte> _head;

    /// <summary>The frames after the head, created when first needed and kept (a connection that was busy once may be again).</summary>
    private Queue<ReadOnlyMemory<byte>>? _rest;
    private int _count;

    public readonly int Count => _count;

    public void Enqueue(ReadOnlyMemory<byte> frame)
    {
        if (_count == 0)
        {
            _head = frame;
        }
        else
        {
            (_rest ??= new Queue<ReadOnlyMemory<byte>>()).Enqueue(frame);
        }
        _count++;
    }

    public readonly bool TryPeek(out ReadOnlyMemory<byte> frame)
    {
        frame = _head;
        return _count > 0;
    }

    /// <summary>Removes and returns the oldest frame; the queue must not be empty.</summary>
    public ReadOnlyMemory<byte> Dequeue()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("the frame queue is empty");
        }
        var frame = _head;
        _head = --_count > 0 ? _rest!.Dequeue() : default;
        return frame;
    }

    public void Clear()
    {
        _head = default;
        _rest?.Clear();
        _count = 0;
    }
}
