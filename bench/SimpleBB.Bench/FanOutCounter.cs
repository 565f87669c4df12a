using System.Diagnostics;

namespace SimpleBB.Bench;

/// <summary>Counts lines of interest arriving at many simulated builders and notes when the expected number is reached.</summary>
public sealed class FanOutCounter
{
    private int _remaining = int.MaxValue;
    private TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a simulated builder lost its connection: the run is invalid.</summary>
    public string? Lost { get; private set; }

    /// <summary>Arms the counter; the returned task gives the Stopwatch timestamp of the last expected arrival.</summary>
    public Task<long> Expect(int count)
    {
        _done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, count);
        return _done.Task;
    }

    public void Received(long timestamp)
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult(timestamp);
        }
    }

    public void Disconnected(string name)
    {
        Lost ??= name;
        _done.TrySetException(new IOException($"simulated builder {name} lost its connection"));
    }

    public static TimeSpan Since(long start, long end) => Stopwatch.GetElapsedTime(start, end);
}
