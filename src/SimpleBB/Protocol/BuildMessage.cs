using System.Text.Json;

namespace SimpleBB.Protocol;

/// <summary>Server to builder: run the script for this project at this revision and report under this id.</summary>
public sealed record BuildMessage : Message
{
    public override string Type => "build";
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }

    /// <summary>A builder refuses a build whose id, project or revision it could not safely use as a file name or argument.</summary>
    public override ProtocolError? Validate() =>
        Names.CheckBuildId(Id) is { } badId ? new ProtocolError(ErrorCodes.BadMessage, badId)
        : Names.CheckProject(Project) is { } badProject ? new ProtocolError(ErrorCodes.BadProject, badProject, Id)
        : Names.CheckRevision(Revision) is { } badRevision ? new ProtocolError(ErrorCodes.BadRevision, badRevision, Id)
        : null;

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.BuildMessage);
}
