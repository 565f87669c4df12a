using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>Status client to server: send a <see cref="Snapshot"/>, and with <see cref="Follow"/> every event after it.</summary>
public sealed record StatusRequest : Message
{
    public override string Type => "status";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool Follow { get; init; }

    /// <summary>With <see cref="Follow"/> (protocol 3): also forward every running build's live output.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool Output { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.StatusRequest);
}
