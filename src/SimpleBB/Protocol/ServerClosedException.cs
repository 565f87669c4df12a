namespace SimpleBB.Protocol;

/// <summary>
/// The exchange ended from the server's side: it said <c>bye</c>, closed the connection, or the connection broke.
/// Nothing says the request was refused, so trying again later may succeed.
/// </summary>
public sealed class ServerClosedException(string message, bool welcomed, bool answered, Exception? inner = null)
    : ProtocolClientException(message, inner)
{
    /// <summary>The server had welcomed this client before the end.</summary>
    public bool Welcomed { get; } = welcomed;

    /// <summary>The server had sent at least one message after <c>welcome</c> (other than ping and pong).</summary>
    public bool Answered { get; } = answered;
}
