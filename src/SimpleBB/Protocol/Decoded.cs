namespace SimpleBB.Protocol;

/// <summary>The outcome of decoding one line: a message, or an error code with a reason for the sender.</summary>
/// <remarks><see cref="Id"/>: for a message that decoded but broke a rule, the build id it concerns (when valid).</remarks>
public readonly record struct Decoded(Message? Message, string? ErrorCode, string? Reason, string? Id = null)
{
    public bool IsError => Message is null;

    public static Decoded Ok(Message message) => new(message, null, null);

    public static Decoded Fail(string code, string reason, string? id = null) => new(null, code, reason, id);
}
