namespace SimpleBB.Protocol;

/// <summary>Constants every implementation of the protocol agrees on.</summary>
public static class ProtocolLimits
{
    /// <summary>The protocol version this code speaks, sent in hello and welcome.</summary>
    public const int Version = 1;

    /// <summary>The default TCP port.</summary>
    public const int DefaultPort = 7900;

    /// <summary>The default maximum line length in bytes, newline excluded.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>How much of a build's output (its tail) a result carries.</summary>
    public const int MaxOutputBytes = 4 * 1024;
}
