using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Answer to <see cref="Ping"/>.</summary>
public sealed record Pong : Message
{
    public static readonly Pong Instance = new();
    public override string Type => "pong";

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Pong);
}
