namespace SimpleBB.Protocol;

/// <summary>No connection could be made (no such host, refused, nothing answered in time): nothing was exchanged.</summary>
public sealed class ServerUnreachableException(string server, string reason, Exception? inner = null)
    : ProtocolClientException($"cannot connect to {server}: {reason}", inner)
{
    /// <summary>"host:port", as the user gave it.</summary>
    public string Server { get; } = server;

    /// <summary>Why, without the address ("Connection refused").</summary>
    public string Reason { get; } = reason;
}
