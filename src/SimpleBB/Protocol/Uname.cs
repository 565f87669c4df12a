namespace SimpleBB.Protocol;

/// <summary>The five fields of POSIX <c>uname</c>, so a result says exactly which machine produced it.</summary>
public sealed record Uname
{
    public required string Sysname { get; init; }
    public required string Nodename { get; init; }
    public required string Release { get; init; }
    public required string Version { get; init; }
    public required string Machine { get; init; }
}
