using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Builder to server: its scripts folder changed; this is the complete new list.</summary>
public sealed record ScriptsMessage : Message
{
    public override string Type => "scripts";
    public required ScriptInfo[] Scripts { get; init; }

    public override ProtocolError? Validate() =>
        ScriptInfo.CheckList(Scripts) is { } problem ? new ProtocolError(ErrorCodes.BadMessage, problem) : null;

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.ScriptsMessage);
}
