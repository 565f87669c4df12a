namespace SimpleBB.Store;

/// <summary>
/// A build as the server sent it out, stored when it is suggested, so that a build exists (and its page can show it
/// running, or reaching no builder) before its first result. <see cref="Seq"/> orders builds; 0 before it is stored.
/// </summary>
public sealed record SuggestedBuild
{
    public long Seq { get; init; }
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required string Revision { get; init; }
    public required DateTimeOffset Suggested { get; init; }

    /// <summary>Who suggested it: the suggester's address.</summary>
    public string? SuggestedBy { get; init; }

    /// <summary>How many builders the suggestion went to; 0 means nothing will be built.</summary>
    public required int Builders { get; init; }
}
