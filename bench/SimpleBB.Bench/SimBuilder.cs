using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>
/// A simulated builder: one raw connection that says hello, answers pings, and counts the builds it receives,
/// doing as little work per line as possible so that the benchmark measures the server, not itself.
/// </summary>
public sealed class SimBuilder : IDisposable
{
    private static readonly byte[] BuildPrefix = "{\"type\":\"build\""u8.ToArray();
    private static readonly byte[] PingPrefix = "{\"type\":\"ping\""u8.ToArray();
    private static readonly byte[] AckPrefix = "{\"type\":\"ack\""u8.ToArray();
    private static readonly byte[] WelcomePrefix = "{\"type\":\"welcome\""u8.ToArray();
    private static readonly byte[] Pong = MessageCodec.Encode(new Pong());

    private readonly Socket _socket;
    private readonly FanOutCounter _counter;
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _window = new(Window);
    private List<BuildMessage>? _builds;

    /// <summary>Results a simulated builder has sent but not yet seen acknowledged, as a real builder's outbox would.</summary>
    public const int Window = 256;

    private SimBuilder(Socket socket, string name, FanOutCounter counter)
    {
        _socket = socket;
        Name = name;
        _counter = counter;
    }

    public string Name { get; }

    /// <summary>Acks received so far.</summary>
    public int Acks;

    /// <summary>Keep every build received (decoded), so results can be sent for them.</summary>
    public void CollectBuilds() => _builds = [];

    /// <summary>The builds received since <see cref="CollectBuilds"/>; read after the counter says they all arrived.</summary>
    public List<BuildMessage> Builds => _builds ?? [];

    public static async Task<SimBuilder> ConnectAsync(IPEndPoint server, string name, FanOutCounter counter, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var builder = new SimBuilder(socket, name, counter);
        _ = builder.ReceiveLoopAsync();
        var hello = new Hello { Role = Roles.Builder, Name = name, Version = "bench", Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = ServerProcess.Token };
        await socket.SendAsync(MessageCodec.Encode(hello).AsMemory(), cancellationToken).ConfigureAwait(false);
        await builder._welcomed.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return builder;
    }

    /// <summary>
    /// Encodes a result (exit code 0) for every collected build, before the clock starts, so that the measured
    /// interval holds only sending, which a real builder's outbox also has ready.
    /// </summary>
    public byte[][] EncodeResults(IReadOnlyList<BuildMessage> builds)
    {
        var uname = new Uname { Sysname = "Linux", Nodename = Name, Release = "6.1.0", Version = "#1 SMP", Machine = "x86_64" };
        return builds.Select(build => MessageCodec.Encode(new ResultMessage
        {
            Id = build.Id, Project = build.Project, Revision = build.Revision, ExitCode = 0, DurationMs = 1,
            Uname = uname, Runtime = ".NET bench", Output = "",
        })).ToArray();
    }

    /// <summary>Sends encoded results, at most <see cref="Window"/> unacknowledged at a time, up to 60 KB per write.</summary>
    public async Task SendResultsAsync(byte[][] results, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        foreach (var result in results)
        {
            if (!_window.Wait(0))
            {
                await FlushAsync(buffer, filled, cancellationToken).ConfigureAwait(false);
                filled = 0;
                await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (filled + result.Length > buffer.Length)
            {
                await FlushAsync(buffer, filled, cancellationToken).ConfigureAwait(false);
                filled = 0;
            }
            result.CopyTo(buffer, filled);
            filled += result.Length;
        }
        await FlushAsync(buffer, filled, cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        if (count > 0)
        {
            await _socket.SendAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                filled += read;
                var start = 0;
                int newline;
                while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
                {
                    OnLine(buffer.AsSpan(start, newline - start));
                    start = newline + 1;
                }
                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _welcomed.TrySetException(new IOException($"{Name}: the server closed the connection"));
        _counter.Disconnected(Name);
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith(BuildPrefix))
        {
            if (_builds is not null && MessageCodec.Decode(line).Message is BuildMessage build)
            {
                _builds.Add(build);
            }
            _counter.Received(Stopwatch.GetTimestamp());
        }
        else if (line.StartsWith(AckPrefix))
        {
            Interlocked.Increment(ref Acks);
            _window.Release();
            _counter.Received(Stopwatch.GetTimestamp());
        }
        else if (line.StartsWith(PingPrefix))
        {
            _socket.Send(Pong);
        }
        else if (line.StartsWith(WelcomePrefix))
        {
            _welcomed.TrySetResult();
        }
        else
        {
            Console.Error.WriteLine($"bench: {Name} got {System.Text.Encoding.UTF8.GetString(line)}");
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _window.Dispose();
    }
}
