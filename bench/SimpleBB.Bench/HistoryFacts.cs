namespace SimpleBB.Bench;

/// <summary>What the history phase needs to know about <see cref="HistorySample"/>'s store: where it is, what to ask for, and what making it cost.</summary>
public sealed record HistoryFacts
{
    public required string StoreFile { get; init; }
    public required long Results { get; init; }
    public required long Bytes { get; init; }

    /// <summary>The busiest project: its page has 50 builds and more to show.</summary>
    public required string Project { get; init; }

    /// <summary>The sample's first build, a year old: long out of the server's memory of the newest results.</summary>
    public required string OldBuild { get; init; }

    public required TimeSpan Generation { get; init; }
}
