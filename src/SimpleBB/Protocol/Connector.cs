using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace SimpleBB.Protocol;

/// <summary>Opens a client connection to a server: TCP with the standard options, then TLS when asked for.</summary>
public static class Connector
{
    /// <summary>
    /// Connects and, with <paramref name="tls"/>, authenticates the server. Throws <see cref="SocketException"/> when
    /// nothing answers and <see cref="AuthenticationException"/> (with a readable message) when TLS fails.
    /// </summary>
    public static async Task<LineConnection> ConnectAsync(string host, int port, ClientTls? tls, int maxLineBytes,
        int maxPendingMessages, CancellationToken cancellationToken)
    {
        var socket = await SocketSetup.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (tls is null)
        {
            return new LineConnection(socket, maxLineBytes, maxPendingMessages);
        }
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await ssl.AuthenticateAsClientAsync(tls.ToOptions(host), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var hint = tls.Fingerprint is not null ? "the server's certificate does not match the pinned fingerprint"
                : tls.CaFile is not null ? "the server's certificate is not signed by the given CA (or names another host)"
                : "the server's certificate is not trusted (or the server does not speak TLS)";
            throw new AuthenticationException($"TLS with {host}:{port} failed: {hint} ({ex.Message})", ex);
        }
        return new LineConnection(socket, ssl, maxLineBytes, maxPendingMessages);
    }
}
