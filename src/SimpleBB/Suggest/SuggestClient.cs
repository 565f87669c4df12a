using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Suggest;

/// <summary>
/// Connects, says hello as a suggester, sends one suggestion per revision and collects the answers. With
/// <c>wait</c>, it stays connected and collects each builder's result until every builder has answered or is gone,
/// or the timeout passes (then the unsettled outcomes say who is missing). With <c>output</c> too, the server forwards the
/// builders' live output (protocol 3), handed to <c>onEvent</c> as <see cref="OutputMessage"/>s.
/// </summary>
/// <remarks>
/// Failures are the <see cref="ProtocolClient"/>'s typed exceptions, so the command picks its exit code from the type:
/// <see cref="ServerUnreachableException"/>, <see cref="ServerRefusedException"/>, <see cref="ServerClosedException"/>
/// (also when the connection drops before every suggestion was answered), <see cref="BadServerMessageException"/>,
/// <see cref="TimeoutException"/> (no answers within the timeout) and
/// <see cref="System.Security.Authentication.AuthenticationException"/> (TLS).
/// </remarks>
public static class SuggestClient
{
    public static async Task<IReadOnlyList<SuggestOutcome>> SuggestAsync(
        string host, int port, string name, string project, IReadOnlyList<string> revisions, TimeSpan timeout,
        CancellationToken cancellationToken, string? token = null, ClientTls? tls = null, bool wait = false,
        Action<SuggestOutcome, Message>? onEvent = null, bool output = false)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var options = new ProtocolClientOptions
        {
            Host = host, Port = port, Tls = tls,
            // A waiting suggester trusts the server with longer lines: an answer lists every builder's name.
            MaxLineBytes = wait ? 16 * 1024 * 1024 : ProtocolLimits.DefaultMaxLineBytes,
            MaxPendingMessages = revisions.Count + 16,
            ConnectTimeout = timeout,
            WelcomeTimeout = timeout,
        };
        var hello = new Hello { Role = Roles.Suggest, Name = name, Version = ProductInfo.Version, Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = token };
        var suggestions = revisions.Select(revision => new SuggestMessage { Project = project, Revision = revision, Wait = wait, Output = wait && output });

        var outcomes = new List<SuggestOutcome>(revisions.Count);
        try
        {
            await using var client = await ProtocolClient.ConnectAsync(options, hello, suggestions, null, deadline.Token).ConfigureAwait(false);
            while (outcomes.Count < revisions.Count || (wait && !outcomes.TrueForAll(o => o.Settled)))
            {
                switch (await client.ReceiveAsync(deadline.Token).ConfigureAwait(false))
                {
                    case ErrorMessage error when outcomes.Count < revisions.Count:
                        outcomes.Add(new SuggestOutcome(revisions[outcomes.Count], null, 0, error.Code, error.Message));
                        break;
                    case Accepted accepted when outcomes.Count < revisions.Count:
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
                    case OutputMessage chunk when chunk.Builder is not null && outcomes.Find(o => o.BuildId == chunk.Id) is { } target:
                        onEvent?.Invoke(target, chunk);
                        break;
                    case LostMessage lost when outcomes.Find(o => o.BuildId == lost.Id) is { } target:
                        target.Lost.Add(lost);
                        onEvent?.Invoke(target, lost);
                        break;
                }
            }
            await client.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return outcomes;
        }
        catch (ServerClosedException) when (wait && outcomes.Count == revisions.Count)
        {
            return outcomes; // every suggestion was answered; unsettled outcomes name the builders that did not report
        }
        catch (ServerClosedException ex) when (ex.Welcomed)
        {
            throw new ServerClosedException($"{ex.Message} after {outcomes.Count} of {revisions.Count} answers", ex.Welcomed, ex.Answered, ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && wait && outcomes.Count == revisions.Count)
        {
            return outcomes; // the wait is over; unsettled outcomes name the builders that did not answer
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {options.Server} within {timeout.TotalSeconds:0.#} s", ex);
        }
    }
}
