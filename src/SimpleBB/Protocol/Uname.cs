namespace SimpleBB.Protocol;

/// <summary>The five fields of POSIX <c>uname</c>, so a result says exactly which machine produced it.</summary>
public sealed record Uname
{
    public required string Sysname { get; init; }
    public required string Nodename { get; init; }
    public required string Release { get; init; }
    public required string Version { get; init; }
    public required string Machine { get; init; }

    /// <summary>Each field: 1 to 256 bytes, not blank, no control characters; null when all are fine.</summary>
    public string? Check() =>
        Names.CheckText("uname.sysname", Sysname, ProtocolLimits.MaxTextBytes)
        ?? Names.CheckText("uname.nodename", Nodename, ProtocolLimits.MaxTextBytes)
        ?? Names.CheckText("uname.release", Release, ProtocolLimits.MaxTextBytes)
        ?? Names.CheckText("uname.version", Version, ProtocolLimits.MaxTextBytes)
        ?? Names.CheckText("uname.machine", Machine, ProtocolLimits.MaxTextBytes);
}
