using System.Net.Sockets;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Suggest;

/// <summary>
/// Connects, says hello as a suggester, sends one suggestion per revision and collects the answers. With
/// <c>wait</c>, it stays connected and collects each builder's result until every builder has answered or is gone,
/// or the timeout passes (then the unsettled outcomes say who is missing).
/// </summary>
public static class SuggestClient
{
    public static async Task<IReadOnlyList<SuggestOutcome>> SuggestAsync(
        string host, int port, string name, string project, IReadOnlyList<string> revisions, TimeSpan timeout,
        CancellationToken cancellationToken, string? token = null, ClientTls? tls = null, bool wait = false,
        Action<SuggestOutcome, Message>? onEvent = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        LineConnection connection;
        try
        {
            // A waiting suggester trusts the server with longer lines: an answer lists every builder's name.
            var maxLine = wait ? 16 * 1024 * 1024 : ProtocolLimits.DefaultMaxLineBytes;
            connection = await Connector.ConnectAsync(host, port, tls, maxLine, revisions.Count + 16, deadline.Token)
                .ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            throw new SuggestException(ex.Message, connected: true);
        }
        catch (SocketException ex)
        {
            throw new SuggestException($"cannot connect to {host}:{port}: {ex.Message}", connected: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SuggestException($"cannot connect to {host}:{port}: no answer within {timeout.TotalSeconds:0.#} s", connected: false);
        }

        await using var _ = connection;
        var sending = connection.RunSendLoopAsync(deadline.Token);
        connection.TrySend(new Hello { Role = Roles.Suggest, Name = name, Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = token });
        foreach (var revision in revisions)
        {
            connection.TrySend(new SuggestMessage { Project = project, Revision = revision, Wait = wait });
        }

        var outcomes = new List<SuggestOutcome>(revisions.Count);
        var welcomed = false;
        try
        {
            await foreach (var line in connection.ReadLinesAsync(deadline.Token).ConfigureAwait(false))
            {
                var decoded = MessageCodec.Decode(line);
                switch (decoded.Message)
                {
                    case null:
                        throw new SuggestException($"the server sent an invalid message: {decoded.Reason}", connected: true);
                    case Welcome:
                        welcomed = true;
                        break;
                    case ErrorMessage error when !welcomed:
                        throw new SuggestException($"the server refused this client: {error.Code}: {error.Message}", connected: true);
                    case ErrorMessage error:
                        outcomes.Add(new SuggestOutcome(revisions[outcomes.Count], null, 0, error.Code, error.Message));
                        break;
                    case Accepted accepted:
                        var answered = new SuggestOutcome(revisions[outcomes.Count], accepted.Id, accepted.Builders, null, null)
                        {
                            BuilderNames = accepted.BuilderNames ?? [],
                            WithScript = accepted.WithScript,
                        };
                        outcomes.Add(answered);
                        onEvent?.Invoke(answered, accepted);
                        break;
                    case ResultMessage result when outcomes.Find(o => o.BuildId == result.Id) is { } target && result.Builder is not null:
                        target.Results.Add(result);
                        onEvent?.Invoke(target, result);
                        break;
                    case LostMessage lost when outcomes.Find(o => o.BuildId == lost.Id) is { } target:
                        target.Lost.Add(lost);
                        onEvent?.Invoke(target, lost);
                        break;
                    case Ping:
                        connection.TrySend(Pong.Instance);
                        break;
                    case Bye bye:
                        throw new SuggestException($"the server is going away: {bye.Reason}", connected: true);
                }
                if (outcomes.Count == revisions.Count && (!wait || outcomes.TrueForAll(o => o.Settled)))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && wait && outcomes.Count == revisions.Count)
        {
            return outcomes; // the wait is over; unsettled outcomes name the builders that did not answer
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SuggestException($"no answer from {host}:{port} within {timeout.TotalSeconds:0.#} s", connected: true);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new SuggestException($"connection to {host}:{port} lost: {ex.Message}", connected: true);
        }
        if (outcomes.Count < revisions.Count)
        {
            throw new SuggestException($"the server closed the connection after {outcomes.Count} of {revisions.Count} answers", connected: true);
        }
        connection.CompleteSending();
        await sending.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return outcomes;
    }
}
