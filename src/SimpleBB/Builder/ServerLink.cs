using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The builder's view of one connection to the server: whether the server has welcomed it, when it last heard
/// from the server, and the heartbeat that detects a server that went silent (a half-open connection).
/// </summary>
internal sealed class ServerLink(LineConnection connection, TimeSpan welcomeTimeout)
{
    private static readonly ReadOnlyMemory<byte> PingFrame = MessageCodec.Encode(Ping.Instance);

    private readonly long _opened = Environment.TickCount64;
    private long _lastPing;

    public LineConnection Connection { get; } = connection;

    public bool Welcomed { get; set; }

    /// <summary>Another builder with the same name took over; reconnecting at once would only flap.</summary>
    public bool Replaced { get; set; }

    public long LastReceived { get; set; } = Environment.TickCount64;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Returns why the link is dead when it is; sends a ping when the server has been quiet.</summary>
    public async Task<string> WatchAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var now = Environment.TickCount64;
            var interval = (long)HeartbeatInterval.TotalMilliseconds;
            if (!Welcomed && now - _opened > welcomeTimeout.TotalMilliseconds)
            {
                return $"no welcome from the server within {welcomeTimeout.TotalSeconds:0.#} s";
            }
            if (now - LastReceived > 3 * interval)
            {
                return $"nothing heard from the server for {3 * interval / 1000.0:0.#} s";
            }
            if (now - LastReceived >= interval && now - _lastPing >= interval)
            {
                _lastPing = now;
                Connection.TrySend(PingFrame);
            }
        }
        return "stopping";
    }
}
