namespace SimpleBB.Protocol;

/// <summary>
/// A result the server recorded, in the shape people and programs read it: status snapshots, the API, server.log
/// and hooks (the outcome in words). The store's own row, with its sequence number and the outcome as data, is
/// <c>StoredResult</c>; this is made from it.
/// </summary>
public sealed record RecordedResult
{
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }
    public required string Builder { get; init; }

    /// <summary>SUCCESS, FAILED &lt;code&gt;, TIMEOUT, N/A, CANCELLED, INTERRUPTED or LOST, as in server.log.</summary>
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
