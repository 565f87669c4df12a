using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Heartbeat; the receiver answers <see cref="Pong"/>.</summary>
public sealed record Ping : Message
{
    public static readonly Ping Instance = new();
    public override string Type => "ping";

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Ping);
}
