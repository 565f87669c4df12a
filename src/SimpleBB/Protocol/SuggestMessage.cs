using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>A suggester asks the server to have every builder build one revision of a project.</summary>
public sealed record SuggestMessage : Message
{
    public override string Type => "suggest";
    public required string Project { get; init; }
    public required string Revision { get; init; }

    /// <summary>Keep this connection informed: the server forwards each builder's result (and each lost builder) for this build.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool Wait { get; init; }

    /// <summary>
    /// With <see cref="Wait"/> (protocol 3): also forward the builders' live output for this build. A server that speaks
    /// an older version ignores it, as it ignores every field it does not know.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool Output { get; init; }

    public override ProtocolError? Validate() =>
        Names.CheckProject(Project) is { } badProject ? new ProtocolError(ErrorCodes.BadProject, badProject)
        : Names.CheckRevision(Revision) is { } badRevision ? new ProtocolError(ErrorCodes.BadRevision, badRevision)
        : null;

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.SuggestMessage);
}
