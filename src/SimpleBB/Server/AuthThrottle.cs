using System.Net;

namespace SimpleBB.Server;

/// <summary>
/// Slows down an address that keeps presenting wrong tokens: after <see cref="FreeFailures"/> failures within a minute,
/// each further hello from it waits <see cref="Penalty"/> before it is even checked, so guessing a 256-bit token
/// (already hopeless) cannot be sped up with many connections. Memory is bounded: old entries are pruned.
/// </summary>
internal sealed class AuthThrottle
{
    public const int FreeFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Penalty = TimeSpan.FromSeconds(2);
    private const int MaxTracked = 10_000;

    private readonly Dictionary<IPAddress, (long WindowStart, int Failures)> _failures = [];

    public TimeSpan DelayFor(IPAddress? address)
    {
        if (address is null)
        {
            return TimeSpan.Zero;
        }
        lock (_failures)
        {
            return _failures.TryGetValue(address, out var entry)
                   && Environment.TickCount64 - entry.WindowStart < Window.TotalMilliseconds
                   && entry.Failures >= FreeFailures
                ? Penalty
                : TimeSpan.Zero;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }
        var now = Environment.TickCount64;
        lock (_failures)
        {
            if (_failures.Count >= MaxTracked)
            {
                foreach (var stale in _failures.Where(e => now - e.Value.WindowStart >= Window.TotalMilliseconds).Select(e => e.Key).ToArray())
                {
                    _failures.Remove(stale);
                }
                if (_failures.Count >= MaxTracked)
                {
                    _failures.Clear(); // under a flood from very many addresses, forget rather than grow
                }
            }
            _failures[address] = _failures.TryGetValue(address, out var entry) && now - entry.WindowStart < Window.TotalMilliseconds
                ? (entry.WindowStart, entry.Failures + 1)
                : (now, 1);
        }
    }
}
