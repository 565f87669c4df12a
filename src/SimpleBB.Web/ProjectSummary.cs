using SimpleBB.Protocol;

namespace SimpleBB.Web;

/// <summary>/api/projects: each project's latest build, in words (as the badge says it) and with its results.</summary>
public sealed record ProjectSummary
{
    public required string Project { get; init; }
    public required string Id { get; init; }
    public required string Revision { get; init; }

    /// <summary>passing, failing, mixed (passes on some builders, fails on others), running or n/a.</summary>
    public required string State { get; init; }

    /// <summary>What differs between the machines it passed and failed on, when mixed.</summary>
    public string? MachineSpecific { get; init; }

    public required RecordedResult[] Results { get; init; }
}
