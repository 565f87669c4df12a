using System.Net;
using System.Net.Sockets;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>A plain suggest or status connection, one decoded message at a time.</summary>
public sealed class ProtocolClient : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;

    private ProtocolClient(Socket socket)
    {
        _socket = socket;
        _reader = new StreamReader(new NetworkStream(socket, ownsSocket: false), new UTF8Encoding(false), false, 64 * 1024);
    }

    public static async Task<ProtocolClient> ConnectAsync(IPEndPoint server, string role, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var client = new ProtocolClient(socket);
        await client.SendAsync(new Hello { Role = role, Name = "bench-" + role, Version = "bench", Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = ServerProcess.Token },
            cancellationToken).ConfigureAwait(false);
        var welcome = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (welcome is not Welcome)
        {
            throw new IOException($"expected welcome, got {welcome}");
        }
        return client;
    }

    public ValueTask<int> SendAsync(Message message, CancellationToken cancellationToken) =>
        _socket.SendAsync(MessageCodec.Encode(message).AsMemory(), SocketFlags.None, cancellationToken);

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken) =>
        _socket.SendAsync(frames, SocketFlags.None, cancellationToken);

    /// <summary>The next message other than ping (answered) or pong.</summary>
    public async Task<Message> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                       ?? throw new IOException("the server closed the connection");
            var decoded = MessageCodec.Decode(Encoding.UTF8.GetBytes(line));
            switch (decoded.Message)
            {
                case null:
                    throw new IOException($"undecodable line from the server: {decoded.Reason}");
                case ErrorMessage error:
                    throw new IOException($"server error {error.Code}: {error.Message}");
                case Ping:
                    await SendAsync(new Pong(), cancellationToken).ConfigureAwait(false);
                    continue;
                case Pong:
                    continue;
                default:
                    return decoded.Message;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _socket.Dispose();
    }
}
