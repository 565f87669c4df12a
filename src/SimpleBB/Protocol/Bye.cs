using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>The sender is shutting down on purpose; the peer should reconnect later rather than report an error.</summary>
public sealed record Bye : Message
{
    public override string Type => "bye";
    public required string Reason { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Bye);
}
