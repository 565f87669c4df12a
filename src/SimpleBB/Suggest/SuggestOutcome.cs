using SimpleBB.Protocol;

namespace SimpleBB.Suggest;

/// <summary>
/// The server's answer to one suggestion (the build id and builder count, or its error) and, when waiting, every
/// builder's result and every builder lost before it reported.
/// </summary>
public sealed record SuggestOutcome(string Revision, string? BuildId, int Builders, string? ErrorCode, string? Error)
{
    /// <summary>How many of the builders said they have a script for the project; 0 means nothing will be built.</summary>
    public int WithScript { get; init; }

    /// <summary>With --wait: the builders that received the build.</summary>
    public IReadOnlyList<string> BuilderNames { get; init; } = [];

    /// <summary>With --wait: results as they arrived (each carries its builder's name).</summary>
    public List<ResultMessage> Results { get; } = [];

    /// <summary>With --wait: builders that disconnected before reporting.</summary>
    public List<LostMessage> Lost { get; } = [];

    /// <summary>Builders that received the build and neither reported nor were lost.</summary>
    public IEnumerable<string> Silent => BuilderNames.Except(Results.Select(r => r.Builder!)).Except(Lost.Select(l => l.Builder));

    /// <summary>True when every builder that received the build has reported or is known to be gone.</summary>
    public bool Settled => BuildId is null || !Silent.Any();
}
