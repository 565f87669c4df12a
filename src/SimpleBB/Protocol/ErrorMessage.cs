using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>Any problem reported to a peer: a stable code for programs and a sentence for people.</summary>
public sealed record ErrorMessage : Message
{
    public override string Type => "error";
    public required string Code { get; init; }
    public required string Message { get; init; }

    /// <summary>The build the error is about, when it is about one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.ErrorMessage);
}
