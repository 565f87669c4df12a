namespace SimpleBB.Protocol;

/// <summary>Thrown by <see cref="LineConnection.ReadLinesAsync"/> when a peer sends a line over the limit.</summary>
public sealed class LineTooLongException(int maxLineBytes)
    : IOException($"line longer than {maxLineBytes} bytes")
{
    public int MaxLineBytes { get; } = maxLineBytes;
}
