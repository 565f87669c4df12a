using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>
/// Protocol 3. The server's answer to <see cref="CancelMessage"/>: the builders it told to cancel the build. Each of
/// them reports the build with <c>cancelled</c> (or its real outcome, if it finished first).
/// </summary>
public sealed record CancellingMessage : Message
{
    public override string Type => "cancelling";
    public required string Id { get; init; }

    /// <summary>The builders the cancel was sent to.</summary>
    public required string[] Builders { get; init; }

    /// <summary>Builders that owe the build but speak a protocol older than 3: they cannot cancel, and finish it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Unable { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.CancellingMessage);
}
