using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to status client: who is connected and the latest result per project, revision and builder.</summary>
public sealed record Snapshot : Message
{
    public override string Type => "snapshot";
    public required BuilderStatus[] Builders { get; init; }
    public required ResultStatus[] Results { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Snapshot);
}
