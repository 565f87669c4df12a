using System.Net;
using System.Net.Sockets;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests.Support;

/// <summary>
/// A scripted server on 127.0.0.1 (port 0) for client tests: accepts one connection and lets the test read the
/// client's lines and write any bytes back, including ones no real server would send.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private StreamReader? _reader;

    public FakeServer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A loopback port that was just listening and no longer is: connecting to it is refused.</summary>
    public static async Task<int> ClosedPortAsync()
    {
        await using var gone = new FakeServer();
        return gone.Port;
    }

    /// <summary>Options for a client of this server, with short deadlines so a failing test fails fast.</summary>
    public ProtocolClientOptions ClientOptions => new() { Host = "127.0.0.1", Port = Port, WelcomeTimeout = Patience };

    /// <summary>Accepts the client's connection and returns its first line (its hello).</summary>
    public async Task<Message?> AcceptAsync()
    {
        _socket = await _listener.AcceptSocketAsync().WaitAsync(Patience);
        _reader = new StreamReader(new NetworkStream(_socket, ownsSocket: false), new UTF8Encoding(false));
        return await ReceiveAsync();
    }

    /// <summary>The client's next message; null when it closed the connection.</summary>
    public async Task<Message?> ReceiveAsync()
    {
        var line = await _reader!.ReadLineAsync().WaitAsync(Patience);
        return line is null ? null : MessageCodec.Decode(Encoding.UTF8.GetBytes(line)).Message;
    }

    public Task SendAsync(Message message) => SendAsync(MessageCodec.Encode(message));

    public async Task SendAsync(byte[] bytes) => await _socket!.SendAsync(bytes.AsMemory(), SocketFlags.None).AsTask().WaitAsync(Patience);

    public Task WelcomeAsync() => SendAsync(new Welcome { Server = "fake", Version = "0", Protocol = ProtocolLimits.Version, HeartbeatSeconds = 15 });

    /// <summary>Closes the accepted connection (a clean close: the client reads end of stream).</summary>
    public void CloseConnection() => _socket?.Dispose();

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _socket?.Dispose();
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
