using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The builder's view of one welcomed connection to the server: the client (which also keeps the heartbeat, so a
/// half-open connection ends by itself) and whether another builder took its name over.
/// </summary>
internal sealed class ServerLink(ProtocolClient client)
{
    public ProtocolClient Client { get; } = client;

    /// <summary>Another builder with the same name took over; reconnecting at once would only flap.</summary>
    public bool Replaced { get; set; }
}
