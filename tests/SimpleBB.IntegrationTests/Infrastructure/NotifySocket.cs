using System.Net.Sockets;
using System.Text;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>A pretend systemd: the datagram socket a daemon finds in NOTIFY_SOCKET, read with a deadline.</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
    }

    public string Path { get; }

    public async Task<string> ReceiveAsync()
    {
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }

    public void Dispose() => _socket.Dispose();
}
