using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Net.Sockets;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>Connects as a status client: yields the snapshot, then (when following) every event until cancelled.</summary>
public static class StatusClient
{
    public static async IAsyncEnumerable<Message> ReadAsync(string host, int port, string? token, ClientTls? tls, bool follow,
        TimeSpan connectTimeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LineConnection connection;
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connecting.CancelAfter(connectTimeout);
            try
            {
                // The snapshot lists every builder and latest result: allow long lines from the server.
                connection = await Connector.ConnectAsync(host, port, tls, 64 * 1024 * 1024, 16, connecting.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"cannot connect to {host}:{port}: {ex.Message}", ex);
            }
        }
        await using var owned = connection;
        var sending = connection.RunSendLoopAsync(cancellationToken);
        connection.TrySend(new Hello { Role = Roles.Status, Name = "simplebb-status", Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = token });
        connection.TrySend(new StatusRequest { Follow = follow });
        await foreach (var line in connection.ReadLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            var decoded = MessageCodec.Decode(line);
            switch (decoded.Message)
            {
                case null:
                    throw new IOException($"the server sent an invalid message: {decoded.Reason}");
                case ErrorMessage error:
                    throw new IOException($"the server refused: {error.Code}: {error.Message}");
                case Ping:
                    connection.TrySend(Pong.Instance);
                    break;
                case Bye bye:
                    throw new IOException($"the server is going away: {bye.Reason}");
                case Snapshot or EventMessage:
                    yield return decoded.Message;
                    if (!follow && decoded.Message is Snapshot)
                    {
                        connection.CompleteSending();
                        yield break;
                    }
                    break;
            }
        }
        await sending.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        throw new IOException("the server closed the connection");
    }
}
