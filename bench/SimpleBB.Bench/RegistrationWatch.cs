using System.Collections.Concurrent;
using System.Diagnostics;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>Follows the server's status events to see the moment each builder is registered.</summary>
public sealed class RegistrationWatch : IAsyncDisposable
{
    private readonly ProtocolClient _client;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _connected = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    private RegistrationWatch(ProtocolClient client) => _client = client;

    public static async Task<RegistrationWatch> StartAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var client = await server.ConnectClientAsync(Roles.Status, [new StatusRequest { Follow = true }], cancellationToken).ConfigureAwait(false);
        if (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false) is not Snapshot)
        {
            throw new IOException("expected a status snapshot");
        }
        var watch = new RegistrationWatch(client);
        _ = watch.ReadAsync();
        return watch;
    }

    /// <summary>The Stopwatch timestamp at which the server announced <paramref name="builder"/> as connected.</summary>
    public Task<long> Connected(string builder) =>
        _connected.GetOrAdd(builder, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                if (await _client.ReceiveAsync(_stop.Token).ConfigureAwait(false) is EventMessage { Kind: "connected", Builder: { } name })
                {
                    _connected.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously))
                        .TrySetResult(Stopwatch.GetTimestamp());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
