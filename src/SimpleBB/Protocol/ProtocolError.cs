namespace SimpleBB.Protocol;

/// <summary>Why a decoded message breaks the protocol: the error code to answer with, a reason in protocol terms, and
/// the id of the build it concerns when that id itself is valid (so the sender can match the refusal).</summary>
public readonly record struct ProtocolError(string Code, string Reason, string? Id = null);
