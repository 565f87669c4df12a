namespace SimpleBB.Protocol;

/// <summary>The outcome of decoding one line: a message, or an error code with a reason for the sender.</summary>
public readonly record struct Decoded(Message? Message, string? ErrorCode, string? Reason)
{
    public bool IsError => Message is null;

    public static Decoded Ok(Message message) => new(message, null, null);

    public static Decoded Fail(string code, string reason) => new(null, code, reason);
}
