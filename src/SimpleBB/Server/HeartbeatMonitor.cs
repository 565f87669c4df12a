using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Once per tick: closes connections past their hello deadline or silent for three heartbeats, and pings the ones
/// that have been quiet for one. Pings are only queued (the connection's pump writes them). <c>sessions</c> is asked
/// anew each tick, so connections opened since are seen.
/// </summary>
internal sealed class HeartbeatMonitor(Func<IEnumerable<ServerSession>> sessions, TimeSpan heartbeat, TimeSpan helloTimeout)
{
    private readonly ReadOnlyMemory<byte> _pingFrame = MessageCodec.Encode(Ping.Instance);

    public async Task RunAsync(CancellationToken stopping)
    {
        var interval = (long)heartbeat.TotalMilliseconds;
        var hello = (long)helloTimeout.TotalMilliseconds;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(interval, hello) / 4, 20, 1000));
        using var timer = new PeriodicTimer(tick);
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
        {
            Sweep(Environment.TickCount64, interval, hello);
        }
    }

    private void Sweep(long now, long interval, long hello)
    {
        foreach (var session in sessions())
        {
            if (session.Role is null)
            {
                if (now - session.ConnectedAt > hello)
                {
                    session.Drop(ErrorCodes.HelloTimeout, $"no hello within {helloTimeout.TotalSeconds:0.###} s");
                }
                continue;
            }
            if (now - session.LastReceived > 3 * interval)
            {
                session.Drop(ErrorCodes.HeartbeatTimeout, $"nothing received for {3 * interval / 1000.0:0.###} s");
            }
            else if (now - session.LastPing >= interval && now - session.LastReceived >= interval)
            {
                session.LastPing = now;
                if (!session.TrySend(_pingFrame))
                {
                    session.Drop(ErrorCodes.SlowConsumer, "outgoing queue full: the peer is not reading");
                }
            }
        }
    }
}
