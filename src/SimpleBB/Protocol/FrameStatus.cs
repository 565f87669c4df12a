namespace SimpleBB.Protocol;

/// <summary>What <see cref="LineFramer.TryReadLine"/> found in the buffer.</summary>
public enum FrameStatus
{
    /// <summary>A complete line was taken from the buffer.</summary>
    Line,

    /// <summary>No complete line yet; read more.</summary>
    NeedMore,

    /// <summary>The line exceeds the limit; the connection must be closed.</summary>
    TooLong,
}
