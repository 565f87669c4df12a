namespace SimpleBB.Protocol;

/// <summary>
/// Why a <see cref="ProtocolClient"/> could not go on. The subclasses say what happened, so a command chooses its exit
/// code from the type; it derives from <see cref="IOException"/> because every one of them is a failed exchange.
/// </summary>
public abstract class ProtocolClientException(string message, Exception? inner = null) : IOException(message, inner);
