using SimpleBB.Protocol;

namespace SimpleBB.Store;

/// <summary>
/// One builder's result for one build, as the store keeps it. <see cref="Seq"/> is the store's sequence number: it
/// orders every result ever recorded, and each projection (server.log, output files, hooks, ...) remembers the last
/// one it applied. It is 0 on a result not yet appended.
/// </summary>
public sealed record StoredResult
{
    public long Seq { get; init; }
    public required string BuildId { get; init; }
    public required string Builder { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }
    public required OutcomeKind Kind { get; init; }

    /// <summary>The script's exit code; -1 when there was no script or it could not be started.</summary>
    public required int ExitCode { get; init; }

    public required long DurationMs { get; init; }
    public required Uname Uname { get; init; }
    public required string Runtime { get; init; }
    public string? ScriptSha256 { get; init; }
    public required DateTimeOffset Finished { get; init; }

    /// <summary>The builder's address when it reported the result.</summary>
    public string? Address { get; init; }

    /// <summary>The last part of the script's output.</summary>
    public required string Output { get; init; }

    /// <summary>A result message from <paramref name="builder"/> at <paramref name="address"/>, received at <paramref name="finished"/>.</summary>
    public static StoredResult From(ResultMessage result, string builder, string? address, DateTimeOffset finished) => new()
    {
        BuildId = result.Id,
        Builder = builder,
        Project = result.Project,
        Revision = result.Revision,
        Kind = OutcomeKinds.Of(result),
        ExitCode = result.ExitCode,
        DurationMs = result.DurationMs,
        Uname = result.Uname,
        Runtime = result.Runtime,
        ScriptSha256 = result.ScriptSha256,
        Finished = finished,
        Address = address,
        Output = result.Output,
    };

    /// <summary>The result as status, server.log, the page and the hooks show it (with its outcome in words).</summary>
    public RecordedResult ToStatus(bool withOutput) => new()
    {
        Id = BuildId,
        Project = Project,
        Revision = Revision,
        Builder = Builder,
        Outcome = OutcomeKinds.Words(Kind, ExitCode),
        ExitCode = ExitCode,
        DurationMs = DurationMs,
        Uname = Uname,
        Runtime = Runtime,
        ScriptSha256 = ScriptSha256,
        Finished = Finished,
        Address = Address,
        Output = withOutput ? Output : null,
    };

    /// <summary>The result as a builder reported it, for the suggester that waits on the build.</summary>
    public ResultMessage ToMessage() => new()
    {
        Id = BuildId,
        Project = Project,
        Revision = Revision,
        Builder = Builder,
        ExitCode = ExitCode,
        MissingScript = Kind == OutcomeKind.NotApplicable,
        TimedOut = Kind == OutcomeKind.Timeout,
        Cancelled = Kind == OutcomeKind.Cancelled,
        Interrupted = Kind == OutcomeKind.Interrupted,
        ScriptSha256 = ScriptSha256,
        DurationMs = DurationMs,
        Uname = Uname,
        Runtime = Runtime,
        Output = Output,
    };
}
