namespace SimpleBB.Protocol;

/// <summary>The latest result for one project, revision and builder, as status and history show it.</summary>
public sealed record ResultStatus
{
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }
    public required string Builder { get; init; }

    /// <summary>SUCCESS, FAILED &lt;code&gt;, TIMEOUT or N/A, as in server.log.</summary>
    public required string Outcome { get; init; }

    public required int ExitCode { get; init; }
    public required long DurationMs { get; init; }
    public required Uname Uname { get; init; }
    public required string Runtime { get; init; }
    public string? ScriptSha256 { get; init; }
    public required DateTimeOffset Finished { get; init; }

    /// <summary>The builder's address when it reported the result (absent in entries from older versions).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Address { get; init; }

    /// <summary>The output tail (history only; status leaves it out).</summary>
    public string? Output { get; init; }
}
