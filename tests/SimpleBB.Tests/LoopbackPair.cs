using System.Net;
using System.Net.Sockets;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

/// <summary>A connected pair on 127.0.0.1: a <see cref="LineConnection"/> under test and the raw socket of its peer.</summary>
internal static class LoopbackPair
{
    public static async Task<(LineConnection Connection, Socket Peer)> ConnectAsync(int maxLineBytes, int maxPendingMessages = 1000,
        long maxPendingBytes = 16L * 1024 * 1024)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!);
        var peer = await listener.AcceptAsync();
        peer.NoDelay = true;
        var connection = new LineConnection(client, maxLineBytes, maxPendingMessages);
        connection.Outgoing.MaxPendingBytes = maxPendingBytes;
        return (connection, peer);
    }
}
