using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimpleBB.Protocol;

/// <summary>Builder to server: how one build ended. The server answers <see cref="Ack"/> once it is in server.log.</summary>
public sealed record ResultMessage : Message
{
    public override string Type => "result";
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }

    /// <summary>The script's exit code; -1 when there was no script or it could not be started.</summary>
    public required int ExitCode { get; init; }

    /// <summary>True when the builder has no script for the project: "not applicable", never a failure (exit code -1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool MissingScript { get; init; }

    /// <summary>Only when the server forwards a result to a waiting suggester: which builder sent it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Builder { get; init; }

    /// <summary>SHA-256 of the script that ran (absent when there was none).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ScriptSha256 { get; init; }

    /// <summary>True when the build was killed at its deadline.</summary>
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool TimedOut { get; init; }

    /// <summary>
    /// Protocol 3: the builder stopped the build because it was itself shutting down. Not a verdict on the revision;
    /// a later run may build it again.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool Interrupted { get; init; }

    /// <summary>Protocol 3: the build was stopped (or dropped from the queue) because someone cancelled it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalBoolConverter))]
    public bool Cancelled { get; init; }

    public required long DurationMs { get; init; }
    public required Uname Uname { get; init; }
    public required string Runtime { get; init; }

    /// <summary>The last part of the script's output (at most <see cref="ProtocolLimits.MaxOutputBytes"/>).</summary>
    public required string Output { get; init; }

    /// <summary>
    /// SUCCESS, FAILED &lt;code&gt;, TIMEOUT, N/A, CANCELLED or INTERRUPTED: the words server.log and the builder's log
    /// use (see <see cref="Outcomes"/>).
    /// </summary>
    [JsonIgnore]
    public string Outcome => Outcomes.Of(ExitCode, TimedOut, MissingScript, Cancelled, Interrupted);

    /// <summary>
    /// This result as a peer that negotiated <paramref name="protocol"/> understands it: below version 3 the
    /// <c>interrupted</c> and <c>cancelled</c> flags are left out, so such a server records the exit code it got.
    /// </summary>
    public ResultMessage ForProtocol(int protocol) =>
        protocol >= ProtocolLimits.WatchAndStopVersion || (!Interrupted && !Cancelled) ? this : this with { Interrupted = false, Cancelled = false };

    public override ProtocolError? Validate()
    {
        if (Names.CheckBuildId(Id) is { } badId)
        {
            return new(ErrorCodes.BadMessage, badId);
        }
        if (Names.CheckProject(Project) is { } badProject)
        {
            return new(ErrorCodes.BadProject, badProject, Id);
        }
        if (Names.CheckRevision(Revision) is { } badRevision)
        {
            return new(ErrorCodes.BadRevision, badRevision, Id);
        }
        var problem = Uname.Check()
            ?? Names.CheckText("runtime", Runtime, ProtocolLimits.MaxTextBytes)
            ?? (ScriptSha256 is null ? null : Names.CheckSha256("scriptSha256", ScriptSha256))
            ?? (Builder is null ? null : Names.CheckBuilderName(Builder))
            ?? (DurationMs < 0 ? $"durationMs must not be negative, not {DurationMs}" : null)
            ?? (TimedOut && MissingScript ? "timedOut and missingScript cannot both be true: a missing script cannot time out" : null)
            ?? ((TimedOut ? 1 : 0) + (MissingScript ? 1 : 0) + (Interrupted ? 1 : 0) + (Cancelled ? 1 : 0) > 1
                ? "at most one of timedOut, missingScript, interrupted and cancelled may be true" : null)
            ?? (MissingScript && ExitCode != -1 ? $"missingScript needs exitCode -1, not {ExitCode}" : null)
            ?? (System.Text.Encoding.UTF8.GetByteCount(Output) > ProtocolLimits.MaxResultOutputBytes
                ? $"output is longer than {ProtocolLimits.MaxResultOutputBytes} bytes" : null);
        return problem is null ? null : new(ErrorCodes.BadMessage, problem, Id);
    }

    public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, ProtocolJsonContext.Default.ResultMessage);
}
