using System.Net;
using System.Net.Sockets;

namespace SimpleBB.Protocol;

/// <summary>The socket options every SimpleBB connection uses, and opening a client socket with them.</summary>
public static class SocketSetup
{
    /// <summary>
    /// No Nagle delay (every line is a message someone waits for) and TCP keepalive, so a peer that vanished without a
    /// close (a crashed machine, a dropped NAT mapping) is noticed by the kernel even while the protocol is idle.
    /// </summary>
    public static void Configure(Socket socket)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
        }
        catch (SocketException)
        {
            // Not every platform lets us tune keepalive; the protocol's own heartbeat still applies.
        }
    }

    /// <summary>Connects to host:port with the standard options, trying each address the name resolves to.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                Configure(socket);
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                last = ex;
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
