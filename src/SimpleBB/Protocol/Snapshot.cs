using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to status client: who is connected and the latest result per project, revision and builder.</summary>
public sealed record Snapshot : Message
{
    public override string Type => "snapshot";
    public required BuilderStatus[] Builders { get; init; }
    public required RecordedResult[] Results { get; init; }

    /// <summary>Why the server cannot record results now (results wait in the builders' outboxes); absent while it can.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RecordingPaused { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Snapshot);
}
