using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>The server's answer to a suggestion: the build id it assigned and how many builders got it.</summary>
public sealed record Accepted : Message
{
    public override string Type => "accepted";
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }
    public required int Builders { get; init; }

    /// <summary>How many of those builders said they have a script for the project.</summary>
    public int WithScript { get; init; }

    /// <summary>With a waiting suggestion: the names of the builders that received the build.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? BuilderNames { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.Accepted);
}
