using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// What the server knows about one builder name: its current connection, if any, and the builds sent to it that
/// have no result yet. It outlives a connection, so a builder that reconnects can still report those builds.
/// </summary>
internal sealed class BuilderEntry(string name)
{
    public string Name { get; } = name;

    public IPeer? Session { get; set; }

    /// <summary>Where it connected from and when (for status).</summary>
    public string Address { get; set; } = "";

    public DateTimeOffset ConnectedSince { get; set; }

    public Uname? Uname { get; set; }

    public string? Runtime { get; set; }

    /// <summary>The projects it has scripts for, as it last told; null for none (most fields stay null until
    /// needed: 10,000 idle builders should cost as little as possible).</summary>
    public HashSet<string>? Scripts { get; set; }

    /// <summary>Builds it said it started and has not reported yet; null for none.</summary>
    public HashSet<string>? Running { get; set; }

    /// <summary>Set once the owed-builds cap has been logged.</summary>
    public bool WarnedFull { get; set; }

    /// <summary>In sending order, so the oldest can be forgotten first when the cap is reached.</summary>
    public OutstandingBuilds Outstanding { get; } = new();
}
