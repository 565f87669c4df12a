namespace SimpleBB.Protocol;

/// <summary>One build script a builder has: the project it builds and the SHA-256 of its content.</summary>
public sealed record ScriptInfo
{
    public required string Name { get; init; }
    public required string Sha256 { get; init; }
}
