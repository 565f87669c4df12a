namespace SimpleBB.Protocol;

/// <summary>Thrown by <see cref="LineReader.TryReadLine"/> when a peer sends a line over the limit.</summary>
public sealed class LineTooLongException(int maxLineBytes)
    : IOException($"line longer than {maxLineBytes} bytes")
{
    public int MaxLineBytes { get; } = maxLineBytes;
}
