using System.Runtime.CompilerServices;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>
/// Connects as a status client: yields the snapshot, then (when following) every event until cancelled, and with
/// <c>output</c> the running builds' live output (<see cref="OutputMessage"/>, from a server that speaks protocol 3).
/// </summary>
/// <remarks>
/// Failures are the <see cref="ProtocolClient"/>'s typed exceptions; an <c>error</c> from the server after welcome
/// (a status client sends nothing it could refuse) is a <see cref="ServerRefusedException"/> too.
/// </remarks>
public static class StatusClient
{
    public static async IAsyncEnumerable<Message> ReadAsync(string host, int port, string? token, ClientTls? tls, bool follow,
        TimeSpan connectTimeout, [EnumeratorCancellation] CancellationToken cancellationToken, bool output = false)
    {
        var options = new ProtocolClientOptions
        {
            Host = host, Port = port, Tls = tls, ConnectTimeout = connectTimeout, WelcomeTimeout = connectTimeout,
            // The snapshot lists every builder and latest result: allow long lines from the server.
            MaxLineBytes = 64 * 1024 * 1024, MaxPendingMessages = 16,
        };
        var hello = new Hello { Role = Roles.Status, Name = "simplebb-status", Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = token };
        await using var client = await ProtocolClient.ConnectAsync(options, hello, [new StatusRequest { Follow = follow, Output = follow && output }], null, cancellationToken)
            .ConfigureAwait(false);
        while (true)
        {
            var message = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (message is ErrorMessage error)
            {
                throw new ServerRefusedException(error.Code, error.Message);
            }
            if (message is Snapshot or EventMessage or OutputMessage)
            {
                yield return message;
                if (!follow && message is Snapshot)
                {
                    await client.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                    yield break;
                }
            }
        }
    }
}
