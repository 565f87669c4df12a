namespace SimpleBB.Protocol;

/// <summary>A connected builder as status shows it.</summary>
public sealed record BuilderStatus
{
    public required string Name { get; init; }
    public required string Address { get; init; }
    public Uname? Uname { get; init; }
    public string? Runtime { get; init; }
    public required string[] Scripts { get; init; }

    /// <summary>Ids of the builds it has started and not yet reported.</summary>
    public required string[] Running { get; init; }

    public required DateTimeOffset ConnectedSince { get; init; }
}
