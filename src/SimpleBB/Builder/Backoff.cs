namespace SimpleBB.Builder;

/// <summary>Reconnect delays: doubling from a minimum to a cap, each drawn from its upper half so builders spread out.</summary>
public static class Backoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max)
    {
        var exponent = Math.Min(failures, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
