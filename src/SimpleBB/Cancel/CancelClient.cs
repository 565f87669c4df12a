using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Cancel;

/// <summary>
/// Connects as a suggest client (with the token: only those who may suggest may cancel), sends one <c>cancel</c> and
/// returns the server's answer: <see cref="CancellingMessage"/>, or the <see cref="ErrorMessage"/> saying why nothing
/// was cancelled.
/// </summary>
/// <remarks>
/// Failures to talk at all are the <see cref="ProtocolClient"/>'s typed exceptions (unreachable, refused, closed, bad
/// message, TLS) and <see cref="TimeoutException"/> when no answer comes within the timeout.
/// </remarks>
public static class CancelClient
{
    public static async Task<Message> CancelAsync(string host, int port, string id, string? builder, TimeSpan timeout,
        string? token, ClientTls? tls, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var options = new ProtocolClientOptions { Host = host, Port = port, Tls = tls, ConnectTimeout = timeout, WelcomeTimeout = timeout, MaxPendingMessages = 16 };
        var hello = new Hello
        {
            Role = Roles.Suggest, Name = "simplebb-cancel", Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion,
            MaxProtocol = ProtocolLimits.Version, Token = token,
        };
        try
        {
            await using var client = await ProtocolClient.ConnectAsync(options, hello, [], null, deadline.Token).ConfigureAwait(false);
            if (client.Welcome.Protocol < ProtocolLimits.WatchAndStopVersion)
            {
                throw new ServerRefusedException(ErrorCodes.UnsupportedProtocol,
                    $"the server speaks protocol {client.Welcome.Protocol} (SimpleBB {Names.Printable(client.Welcome.Version)}); cancelling needs protocol 3");
            }
            client.TrySend(new CancelMessage { Id = id, Builder = builder });
            while (true)
            {
                switch (await client.ReceiveAsync(deadline.Token).ConfigureAwait(false))
                {
                    case CancellingMessage cancelling when cancelling.Id == id:
                        await client.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                        return cancelling;
                    case ErrorMessage error:
                        await client.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                        return error;
                }
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {options.Server} within {timeout.TotalSeconds:0.#} s", ex);
        }
    }
}
