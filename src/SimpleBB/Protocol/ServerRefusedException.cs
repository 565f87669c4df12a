namespace SimpleBB.Protocol;

/// <summary>
/// The server answered <c>hello</c> with an <c>error</c> instead of <c>welcome</c> (wrong token, bad name, unsupported
/// protocol…): it will close the connection, and trying again unchanged will not help.
/// </summary>
public sealed class ServerRefusedException(string code, string reason)
    : ProtocolClientException($"the server refused this client: {code}: {Names.Printable(reason, 500)}")
{
    /// <summary>The error code, as sent (docs/protocol.md §6).</summary>
    public string Code { get; } = code;

    /// <summary>The server's sentence, as sent.</summary>
    public string Reason { get; } = reason;
}
