using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to builder: run the script for this project at this revision and report under this id.</summary>
public sealed record BuildMessage : Message
{
    public override string Type => "build";
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.BuildMessage);
}
