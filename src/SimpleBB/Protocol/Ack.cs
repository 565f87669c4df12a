using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to builder: the result with this id is in server.log; the builder may forget it.</summary>
public sealed record Ack : Message
{
    public override string Type => "ack";
    public required string Id { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Ack);
}
