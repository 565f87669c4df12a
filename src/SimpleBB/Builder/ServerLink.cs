using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The builder's view of one welcomed connection to the server: whether another builder took its name over, and
/// the heartbeat that detects a server that went silent (a half-open connection).
/// </summary>
internal sealed class ServerLink(ProtocolClient client)
{
    private static readonly ReadOnlyMemory<byte> PingFrame = MessageCodec.Encode(Ping.Instance);

    private long _lastPing;

    public ProtocolClient Client { get; } = client;

    /// <summary>Another builder with the same name took over; reconnecting at once would only flap.</summary>
    public bool Replaced { get; set; }

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Returns why the link is dead when it is; sends a ping when the server has been quiet.</summary>
    public async Task<string> WatchAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var now = Environment.TickCount64;
            var interval = (long)HeartbeatInterval.TotalMilliseconds;
            var silent = now - Client.LastReceived;
            if (silent > 3 * interval)
            {
                return $"nothing heard from the server for {3 * interval / 1000.0:0.#} s";
            }
            if (silent >= interval && now - _lastPing >= interval)
            {
                _lastPing = now;
                Client.TrySend(PingFrame);
            }
        }
        return "stopping";
    }
}
