namespace SimpleBB.Protocol;

/// <summary>Where a <see cref="ProtocolClient"/> connects and how long it waits for each step.</summary>
public sealed record ProtocolClientOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = ProtocolLimits.DefaultPort;

    /// <summary>TLS settings, or null for plain TCP.</summary>
    public ClientTls? Tls { get; init; }

    /// <summary>Longest line accepted from the server; clients that receive lists (snapshots, builder names) raise it.</summary>
    public int MaxLineBytes { get; init; } = ProtocolLimits.DefaultMaxLineBytes;

    /// <summary>Frames that may wait to be sent; a client that pipelines many requests raises it.</summary>
    public int MaxPendingMessages { get; init; } = 1024;

    /// <summary>How long the TCP connection (and TLS handshake) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the server has to answer hello (docs/protocol.md §2.1: SimpleBB clients give up after 10 s).</summary>
    public TimeSpan WelcomeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>"host:port", for messages.</summary>
    public string Server => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
