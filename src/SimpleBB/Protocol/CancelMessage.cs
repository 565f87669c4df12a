using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>
/// Protocol 3. From a suggest client to the server: stop build <see cref="Id"/> on every builder that owes it, or on
/// <see cref="Builder"/> only. From the server to a builder (without <see cref="Builder"/>): drop the build if it is
/// still waiting, stop its process tree if it runs; either way report it with <c>cancelled</c>.
/// </summary>
public sealed record CancelMessage : Message
{
    public override string Type => "cancel";
    public required string Id { get; init; }

    /// <summary>Only from a client: the one builder to cancel the build on; absent means every builder.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Builder { get; init; }

    public override ProtocolError? Validate() =>
        Names.CheckBuildId(Id) is { } badId ? new ProtocolError(ErrorCodes.BadMessage, badId)
        : Builder is not null && Names.CheckBuilderName(Builder) is { } badName ? new ProtocolError(ErrorCodes.BadMessage, badName, Id)
        : null;

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.CancelMessage);
}
