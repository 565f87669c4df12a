using System.Net.Sockets;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>A hand-driven TCP peer for writing exactly the bytes a test wants, hostile ones included.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawPeer> ConnectAsync(int port, int? receiveBufferSize = null)
    {
        var client = new TcpClient();
        if (receiveBufferSize is { } size)
        {
            client.ReceiveBufferSize = size; // before connecting, so the window stays small
        }
        await client.ConnectAsync("127.0.0.1", port);
        return new RawPeer(client);
    }

    public static async Task<RawPeer> HelloAsync(int port, string role, string name, int? receiveBufferSize = null)
    {
        var peer = await ConnectAsync(port, receiveBufferSize);
        await peer.SendAsync(new Hello { Role = role, Name = name, Version = "test", Protocol = ProtocolLimits.Version });
        var welcome = await peer.ReceiveAsync();
        Assert.IsType<Welcome>(welcome);
        return peer;
    }

    public Task SendAsync(Message message) => SendAsync(MessageCodec.Encode(message));

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Next line from the server, decoded; null when the server closed the connection.</summary>
    public async Task<Message?> ReceiveAsync(TimeSpan? timeout = null)
    {
        var line = await ReceiveLineAsync(timeout);
        if (line is null)
        {
            return null;
        }
        var decoded = MessageCodec.Decode(line);
        Assert.False(decoded.IsError, $"server sent an undecodable line: {decoded.Reason}");
        return decoded.Message;
    }

    /// <summary>Receives until a message of type T arrives (answering nothing), skipping pings.</summary>
    public async Task<T> ReceiveAsync<T>(TimeSpan? timeout = null) where T : Message
    {
        while (true)
        {
            var message = await ReceiveAsync(timeout);
            if (message is T wanted)
            {
                return wanted;
            }
            Assert.True(message is Ping, $"expected {typeof(T).Name}, got {message?.ToString() ?? "end of stream"}");
        }
    }

    public async Task<byte[]?> ReceiveLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _pending.GetRange(0, newline).ToArray();
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer, cts.Token);
            }
            catch (IOException)
            {
                return null;
            }
            if (read == 0)
            {
                return null;
            }
            _pending.AddRange(_buffer.AsSpan(0, read));
        }
    }

    /// <summary>True once the server has closed the connection (reads until end of stream, discarding).</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (await _stream.ReadAsync(_buffer, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
