using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>
/// Live output of a running build (protocol 3): a builder sends its script's output in chunks while the script runs;
/// the server appends them to the build's output file and forwards them, with <see cref="Builder"/> set, to a waiting
/// suggester that asked for output and to status followers that did. Sent only on connections whose negotiated version
/// is at least <see cref="ProtocolLimits.WatchAndStopVersion"/>.
/// </summary>
public sealed record OutputMessage : Message
{
    public override string Type => "output";

    public required string Id { get; init; }

    /// <summary>Set only by the server, when it forwards a chunk: the builder that produced it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Builder { get; init; }

    /// <summary>A piece of the output as UTF-8 text; lines may be split between chunks.</summary>
    public required string Data { get; init; }

    /// <summary>
    /// Bytes of output the builder left out just before this chunk because it could not send them fast enough (the data
    /// then starts with a note saying so); absent when nothing was left out.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Skipped { get; init; }

    /// <remarks>
    /// Refusals carry no build id: a builder takes an error with the id of a build it reported as a final refusal of that
    /// result, and a bad chunk must never cost a result.
    /// </remarks>
    public override ProtocolError? Validate()
    {
        if (Names.CheckBuildId(Id) is { } badId)
        {
            return new ProtocolError(ErrorCodes.BadMessage, badId);
        }
        if (Builder is not null && Names.CheckBuilderName(Builder) is { } badBuilder)
        {
            return new ProtocolError(ErrorCodes.BadName, badBuilder);
        }
        if (Encoding.UTF8.GetByteCount(Data) > ProtocolLimits.MaxOutputChunkBytes)
        {
            return new ProtocolError(ErrorCodes.BadMessage, $"data is longer than {ProtocolLimits.MaxOutputChunkBytes} bytes");
        }
        return Skipped < 0 ? new ProtocolError(ErrorCodes.BadMessage, "skipped must not be negative") : null;
    }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.OutputMessage);
}
