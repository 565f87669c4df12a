using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to peer: the server is shutting down on purpose; a builder should reconnect later rather than report an error.</summary>
public sealed record Bye : Message
{
    public override string Type => "bye";
    public required string Reason { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Bye);
}
