using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to a waiting suggester: a builder that received the build disconnected before reporting it.</summary>
public sealed record LostMessage : Message
{
    public override string Type => "lost";
    public required string Id { get; init; }
    public required string Builder { get; init; }
    public required string Reason { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.LostMessage);
}
