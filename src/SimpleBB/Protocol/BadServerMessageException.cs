namespace SimpleBB.Protocol;

/// <summary>
/// The server sent a line this client cannot take: undecodable, breaking a rule of docs/protocol.md, too long, or a
/// message that makes no sense at that point (anything but <c>welcome</c> or <c>error</c> before <c>welcome</c>).
/// </summary>
public sealed class BadServerMessageException(string code, string reason, string? id, bool canContinue)
    : ProtocolClientException($"the server sent an invalid message: {code}: {reason}")
{
    /// <summary>The error code a peer answers such a line with (docs/protocol.md §6).</summary>
    public string Code { get; } = code;

    public string Reason { get; } = reason;

    /// <summary>The build the bad message is about, when its id itself is valid (so a builder can refuse that build).</summary>
    public string? Id { get; } = id;

    /// <summary>
    /// True when only that line was bad and the next can be read (a builder answers it with an error and goes on);
    /// false when the connection cannot be read any further (a line over the limit).
    /// </summary>
    public bool CanContinue { get; } = canContinue;
}
