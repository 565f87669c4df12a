using System.Runtime.CompilerServices;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>
/// Connects as a status client: yields the snapshot, then (when following) every event until cancelled, and with
/// <c>output</c> the running builds' live output (<see cref="OutputMessage"/>, from a server that speaks protocol 3).
/// With a <see cref="ResultQuery"/> the snapshot's results are the last results asked for: from the results store of a
/// server that speaks protocol 4, or narrowed here from an older server's snapshot (<c>notice</c> is told so).
/// </summary>
/// <remarks>
/// Failures are the <see cref="ProtocolClient"/>'s typed exceptions; an <c>error</c> from the server after welcome
/// (a status client sends nothing it could refuse) is a <see cref="ServerRefusedException"/> too.
/// </remarks>
public static class StatusClient
{
    public static async IAsyncEnumerable<Message> ReadAsync(string host, int port, string? token, ClientTls? tls, bool follow,
        TimeSpan connectTimeout, [EnumeratorCancellation] CancellationToken cancellationToken, bool output = false, ResultQuery? query = null,
        Action<string>? notice = null)
    {
        var options = new ProtocolClientOptions
        {
            Host = host, Port = port, Tls = tls, ConnectTimeout = connectTimeout, WelcomeTimeout = connectTimeout,
            // The snapshot lists every builder and latest result: allow long lines from the server.
            MaxLineBytes = 64 * 1024 * 1024, MaxPendingMessages = 16,
        };
        var hello = new Hello { Role = Roles.Status, Name = "simplebb-status", Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = token };
        // Pipelined before welcome, so the query's fields reach an older server too, which ignores them.
        var request = query?.ToRequest(follow, output) ?? new StatusRequest { Follow = follow, Output = follow && output };
        await using var client = await ProtocolClient.ConnectAsync(options, hello, [request], null, cancellationToken)
            .ConfigureAwait(false);
        var narrowHere = query is not null && client.Welcome.Protocol < ProtocolLimits.StatusQueryVersion;
        while (true)
        {
            var message = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (message is ErrorMessage error)
            {
                throw new ServerRefusedException(error.Code, error.Message);
            }
            if (narrowHere && message is Snapshot latest)
            {
                notice?.Invoke($"the server speaks protocol {client.Welcome.Protocol}, older than {ProtocolLimits.StatusQueryVersion}: " +
                    "these are picked from its latest result per project, revision and builder, not from every result it recorded");
                message = latest with { Results = query!.Apply(latest.Results) };
                narrowHere = false;
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
