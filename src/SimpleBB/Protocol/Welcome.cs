using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>The server's answer to a valid <see cref="Hello"/>; it also tells the peer the heartbeat interval.</summary>
public sealed record Welcome : Message
{
    public override string Type => "welcome";
    public required string Server { get; init; }
    public required string Version { get; init; }
    public required int Protocol { get; init; }

    /// <summary>Seconds between pings; a peer silent for three intervals is considered gone.</summary>
    public int HeartbeatSeconds { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Welcome);
}
