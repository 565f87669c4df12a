using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>
/// Status client to server: send a <see cref="Snapshot"/>, and with <see cref="Follow"/> every event after it. With
/// <see cref="Project"/>, <see cref="Builder"/> or <see cref="Last"/> (protocol 4) the snapshot's results are the newest
/// matching ones from the server's results store, not the latest per project, revision and builder it keeps in memory.
/// </summary>
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

    /// <summary>Protocol 4: only this project's results.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Project { get; init; }

    /// <summary>Protocol 4: only this builder's results.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Builder { get; init; }

    /// <summary>
    /// Protocol 4: how many results, 1 to <see cref="ProtocolLimits.MaxLastResults"/>; absent with a project or builder:
    /// <see cref="ProtocolLimits.DefaultLastResults"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Last { get; init; }

    /// <summary>True when the request asks for the last results rather than the latest per project, revision and builder.</summary>
    [JsonIgnore]
    public bool AsksForLast => Project is not null || Builder is not null || Last is not null;

    /// <summary>The number of results asked for, the default filled in (meaningful only with <see cref="AsksForLast"/>).</summary>
    [JsonIgnore]
    public int LastOrDefault => Last ?? ProtocolLimits.DefaultLastResults;

    /// <summary>
    /// The new fields are checked on every connection, whatever version it chose: a bad value is a mistake worth
    /// hearing about, and a client that does not speak version 4 does not send them.
    /// </summary>
    public override ProtocolError? Validate() =>
        Project is not null && Names.CheckProject(Project) is { } badProject ? new ProtocolError(ErrorCodes.BadProject, badProject)
        : Builder is not null && Names.CheckBuilderName(Builder) is { } badName ? new ProtocolError(ErrorCodes.BadMessage, badName)
        : Last is < 1 or > ProtocolLimits.MaxLastResults ? new ProtocolError(ErrorCodes.BadMessage, $"last must be from 1 to {ProtocolLimits.MaxLastResults}, not {Last}")
        : null;

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.StatusRequest);
}
