using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Builder to server: the build with this id has started (so status can show what each builder is doing).</summary>
public sealed record StartedMessage : Message
{
    public override string Type => "started";
    public required string Id { get; init; }

    public override ProtocolError? Validate() =>
        Names.CheckBuildId(Id) is { } problem ? new ProtocolError(ErrorCodes.BadMessage, problem) : null;

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.StartedMessage);
}
