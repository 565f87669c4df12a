namespace SimpleBB.Server;

/// <summary>
/// A suggester waiting for one build's results, and the builders it has had its final answer about (a result or a
/// lost), so that each builder is answered exactly once: a result arriving after lost is not forwarded.
/// </summary>
internal sealed class WaitingSuggester(IPeer peer, bool output = false)
{
    /// <summary>The suggester asked for live output (and speaks a protocol version that has it).</summary>
    public bool Output { get; } = output && peer.Protocol >= Protocol.ProtocolLimits.WatchAndStopVersion;

    private HashSet<string>? _answered;

    public IPeer Peer { get; } = peer;

    /// <summary>True the first time for each builder.</summary>
    public bool TryAnswer(string builder) => (_answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(builder);
}
